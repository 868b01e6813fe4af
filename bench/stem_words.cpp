// Stems of words, one a line on stdin, for checking that a word's forms meet (issue 15).
//
// usage: izdeu-stem-words [--russian-dictionary FILE|none] [--kazakh]
//   Prints, for each lower-case word: the word, its stem, and (Russian) the dictionary's readings
//   of it as lemma/n/p/b (noun, proper, bare), tab-separated. With --kazakh, the Kazakh stemmer
//   by rules alone (what izdeu-index uses by default) and no readings.
// bench/forms/consistency.py runs it over the words of the judged collections.
#include <cstring>
#include <iostream>
#include <memory>
#include <string>

#include "kazakh_stemmer.h"
#include "russian_stemmer.h"

int main(int argc, char** argv) {
    std::string dictionary_path = izdeu::RussianDictionary::kDefaultPath;
    bool kazakh = false;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--kazakh") == 0) {
            kazakh = true;
        } else if (std::strcmp(argv[i], "--russian-dictionary") == 0 && i + 1 < argc) {
            dictionary_path = argv[++i];
        } else {
            std::cerr << "usage: izdeu-stem-words [--russian-dictionary FILE|none] [--kazakh] < words\n";
            return 2;
        }
    }
    std::shared_ptr<const izdeu::RussianDictionary> dictionary;
    if (!kazakh && dictionary_path != "none") dictionary = izdeu::RussianDictionary::open(dictionary_path);
    izdeu::RussianStemmer russian(dictionary);
    izdeu::KazakhStemmer kazakh_stemmer;
    std::string word;
    while (std::getline(std::cin, word)) {
        if (word.empty()) continue;
        if (kazakh) {
            std::cout << word << '\t' << kazakh_stemmer(word) << "\t\n";
            continue;
        }
        std::cout << word << '\t' << russian(word) << '\t';
        if (dictionary) {
            for (const auto& lemma : dictionary->lemmas(word)) {
                std::cout << lemma.word << (lemma.noun ? "/n" : "") << (lemma.proper ? "/p" : "")
                          << (lemma.bare ? "/b" : "") << ' ';
            }
        }
        std::cout << '\n';
    }
    return 0;
}
