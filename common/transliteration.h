#pragma once
// Bridges between the scripts of the news: the name key that lets Tokayev, Токаев and Тоқаев
// find each other, and the reading of Latin-script Kazakh (2018 and 2021 alphabets) in Cyrillic,
// which the Kazakh stemmer understands.
//
// The key is a skeleton: the word romanized (Cyrillic letters by a BGN-like table), then the
// differences between romanizations forgotten: vowels and y/i/j-glides dropped (the first letter
// of a word that starts with a vowel becomes 'a'), sh/zh/kh/ch/ts and q/h/w folded
// (sh->s, zh->j, kh->k, ch->c, ts->c, gh->g, q->k, h->k, w->v, a Latin c->k or s before
// e/i/y, a g after n dropped: ң is n, ng or ngh), doubled letters collapsed.
// Tokayev, Tokaev, Toqaev, Токаев, Тоқаев -> "tkv"; Karaganda, Қарағанды -> "krgnd".
// ICU's Russian-Latin/BGN, Kazakh-Latin/BGN and Any-Latin spellings give the same key (tested),
// but the table is used at run time: it costs nothing per word, and everything ICU spells
// differently (ye after vowels, diacritics) is what the key forgets anyway.

#include <string>
#include <string_view>

namespace izdeu {

/// The name key of a normalized (case-folded, Latin diacritics stripped) Latin or Cyrillic word,
/// or an empty string for a word too short to key safely (fewer than 3 key letters, or 2 for a
/// word of 5 letters or more: Semey, not Mir or Mira) or with digits or other scripts.
std::string name_key(std::string_view term);
/// Appends the key to out; false (out unchanged) where name_key would return "".
bool append_name_key(std::string_view term, std::string& out);

enum class KazakhLatinAlphabet { Y2018, Y2021 };

/// Whether c is a letter of the Kazakh Latin alphabets that English does not use (á ǵ ń ó ú ý ı
/// of 2018, ä ğ ñ ö ü ū ş ç of 2021, either case), or a combining accent that makes one.
bool is_kazakh_latin_diacritic(char32_t c);
/// Which alphabet a text or word is written in: 2021 when it has more of 2021's letters.
KazakhLatinAlphabet kazakh_latin_alphabet(std::u16string_view text);

/// The Cyrillic spelling of a Latin-script Kazakh word (UTF-16 as written, any case) in the given
/// alphabet, lower case, appended to out as UTF-8: Qazaqstannyń -> қазақстанның.
void append_kazakh_cyrillic(std::u16string_view word, KazakhLatinAlphabet alphabet, std::string& out);

}  // namespace izdeu
