#include "transliteration.h"

#include <unicode/uchar.h>

#include <array>
#include <cstddef>

#include "utf8.h"

namespace izdeu {

namespace {

// The romanization of a lower-case Cyrillic letter (Russian and Kazakh), or nullptr. Close to
// BGN/PCGN; where romanizations differ, the key folds the difference away.
const char* romanize(char32_t c) {
    static constexpr const char* kBasic[32] = {
        "a", "b", "v", "g", "d", "e",  "zh", "z",  "i",  "y",    "k", "l", "m", "n", "o",  "p",   // а..п
        "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "",  "y", "",  "e", "yu", "ya",  // р..я
    };
    if (c >= 0x430 && c <= 0x44F) return kBasic[c - 0x430];
    switch (c) {
        case 0x451:
            return "e";  // ё
        case 0x456:
            return "i";  // і
        case 0x4D9:
            return "a";  // ә
        case 0x493:
            return "g";  // ғ
        case 0x49B:
            return "q";  // қ
        case 0x4A3:
            return "n";  // ң
        case 0x4E9:
            return "o";  // ө
        case 0x4B1:
            return "u";  // ұ
        case 0x4AF:
            return "u";  // ү
        case 0x4BB:
            return "h";  // һ
        case 0x454:
            return "ye";  // є
        case 0x457:
            return "yi";  // ї
        case 0x45E:
            return "u";  // ў
        default:
            return nullptr;
    }
}

bool is_vowel(char c) {
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

}  // namespace

bool append_name_key(std::string_view term, std::string& out) {
    // Romanize: ASCII letters as they are, dotless ı as i, Cyrillic by the table.
    std::array<char, 1024> latin;
    std::size_t n = 0;
    std::size_t letters = 0;
    bool ok = true;
    for_each_code_point(term, [&](char32_t c) {
        ++letters;
        const char* roman = nullptr;
        char single[2] = {0, 0};
        if (c >= 'a' && c <= 'z') {
            single[0] = static_cast<char>(c);
            roman = single;
        } else if (c == 0x131) {
            roman = "i";
        } else if (c == '\'' || c == '-') {
            --letters;
            return true;
        } else {
            roman = romanize(c);
        }
        if (roman == nullptr) {
            ok = false;  // digits, other scripts, letters we do not know: no key
            return false;
        }
        for (const char* p = roman; *p != '\0'; ++p) {
            if (n == latin.size()) {
                ok = false;
                return false;
            }
            latin[n++] = *p;
        }
        return true;
    });
    if (!ok || n == 0) return false;

    const std::size_t base = out.size();
    auto push = [&](char c) {
        if (out.size() > base && out.back() == c) return;  // doubled letters count once
        out += c;
    };
    auto at = [&](std::size_t i, std::string_view s) {
        return i + s.size() <= n && std::string_view(latin.data() + i, s.size()) == s;
    };
    for (std::size_t i = 0; i < n;) {
        const char c = latin[i];
        if (is_vowel(c)) {
            if (i == 0) out += 'a';  // a word that starts with a vowel keeps that much of it
            ++i;
            continue;
        }
        // The digraphs of the romanizations, longest first.
        if (at(i, "shch")) {
            push('s');
            i += 4;
        } else if (at(i, "sch") || at(i, "sh")) {
            push('s');
            i += at(i, "sch") ? 3 : 2;
        } else if (at(i, "zh") || at(i, "dzh") || at(i, "dj")) {
            push('j');
            i += at(i, "dzh") ? 3 : 2;
        } else if (at(i, "kh")) {
            push('k');
            i += 2;
        } else if (at(i, "tch") || at(i, "ch")) {
            push('c');
            i += at(i, "tch") ? 3 : 2;
        } else if (at(i, "ts") || at(i, "tz")) {
            push('c');
            i += 2;
        } else if (at(i, "gh")) {  // ғ in BGN's Kazakh romanization
            push('g');
            i += 2;
        } else if (c == 'n' && i + 1 < n && latin[i + 1] == 'g') {
            // ң is n, ng or ngh: a g after n says nothing (Baikonur, Байқоңыр, Bayqongyr).
            push('n');
            ++i;
            while (i < n && (latin[i] == 'g' || latin[i] == 'h')) ++i;
        } else if (at(i, "ph")) {
            push('f');
            i += 2;
        } else if (at(i, "ck")) {
            push('k');
            i += 2;
        } else {
            switch (c) {
                case 'q':
                case 'h':
                    push('k');
                    break;
                case 'w':
                    push('v');
                    break;
                case 'c':  // a Latin c (not ch, ts): s before e, i, y, else k (Kazakhtelecom)
                    push(i + 1 < n && (latin[i + 1] == 'e' || latin[i + 1] == 'i' || latin[i + 1] == 'y') ? 's' : 'k');
                    break;
                case 'x':
                    push('k');
                    push('s');
                    break;
                default:
                    push(c);
            }
            ++i;
        }
    }
    const std::size_t size = out.size() - base;
    if (size < 3 && !(size == 2 && letters >= 5)) {
        out.resize(base);
        return false;
    }
    return true;
}

std::string name_key(std::string_view term) {
    std::string key;
    append_name_key(term, key);
    return key;
}

namespace {

/// Which official Latin alphabet a letter marks: one table for both questions asked of it
/// (is the text Latin-script Kazakh, and which alphabet is it written in).
enum class LatinKazakhMark { None, Y2018, Y2021, Either };

LatinKazakhMark latin_kazakh_mark(char32_t c) {
    switch (c) {
        // 2018: á ǵ ń ó ú ý, and the combining acute of decomposed text.
        case 0xE1:
        case 0xC1:
        case 0x1F5:
        case 0x1F4:
        case 0x144:
        case 0x143:
        case 0xF3:
        case 0xD3:
        case 0xFA:
        case 0xDA:
        case 0xFD:
        case 0xDD:
        case 0x301:
            return LatinKazakhMark::Y2018;
        // 2021: ä ğ ñ ö ü ū ş ç, and combining diaeresis, breve, cedilla, tilde, macron.
        case 0xE4:
        case 0xC4:
        case 0x11F:
        case 0x11E:
        case 0xF1:
        case 0xD1:
        case 0xF6:
        case 0xD6:
        case 0xFC:
        case 0xDC:
        case 0x16B:
        case 0x16A:
        case 0x15F:
        case 0x15E:
        case 0xE7:
        case 0xC7:
        case 0x308:
        case 0x306:
        case 0x327:
        case 0x303:
        case 0x304:
            return LatinKazakhMark::Y2021;
        // Dotless ı and capital İ: both alphabets use them, no other language of ours does.
        case 0x131:
        case 0x130:
            return LatinKazakhMark::Either;
        default:
            return LatinKazakhMark::None;
    }
}

}  // namespace

bool is_kazakh_latin_diacritic(char32_t c) {
    return latin_kazakh_mark(c) != LatinKazakhMark::None;
}

KazakhLatinAlphabet kazakh_latin_alphabet(std::u16string_view text) {
    std::size_t y2018 = 0, y2021 = 0;
    for (char16_t c : text) {
        const LatinKazakhMark mark = latin_kazakh_mark(c);
        if (mark == LatinKazakhMark::Y2018) ++y2018;
        if (mark == LatinKazakhMark::Y2021) ++y2021;
    }
    return y2021 > y2018 ? KazakhLatinAlphabet::Y2021 : KazakhLatinAlphabet::Y2018;
}

namespace {

// A base letter and a combining mark as the precomposed letter the alphabets use.
char32_t compose(char32_t base, char32_t mark) {
    switch (mark) {
        case 0x301:  // acute
            switch (base) {
                case 'a':
                    return 0xE1;
                case 'g':
                    return 0x1F5;
                case 'n':
                    return 0x144;
                case 'o':
                    return 0xF3;
                case 'u':
                    return 0xFA;
                case 'y':
                    return 0xFD;
                default:
                    return base;
            }
        case 0x308:  // diaeresis
            switch (base) {
                case 'a':
                    return 0xE4;
                case 'o':
                    return 0xF6;
                case 'u':
                    return 0xFC;
                default:
                    return base;
            }
        case 0x306:
            return base == 'g' ? 0x11F : base;  // breve
        case 0x327:
            return base == 's' ? 0x15F : base == 'c' ? 0xE7 : base;  // cedilla
        case 0x303:
            return base == 'n' ? 0xF1 : base;  // tilde
        case 0x304:
            return base == 'u' ? 0x16B : base;  // macron
        default:
            return base;
    }
}

bool is_cyrillic_vowel(char32_t c) {
    switch (c) {
        case 0x430:
        case 0x435:
        case 0x438:
        case 0x43E:
        case 0x443:
        case 0x44B:
        case 0x44D:
        case 0x44E:
        case 0x44F:
        case 0x4D9:
        case 0x4E9:
        case 0x4B1:
        case 0x4AF:
        case 0x456:
            return true;
        default:
            return false;
    }
}

}  // namespace

void append_kazakh_cyrillic(std::u16string_view word, KazakhLatinAlphabet alphabet, std::string& out) {
    // Lower-cased code points, with combining accents folded into their letters.
    std::array<char32_t, 256> letters;
    std::size_t n = 0;
    for (std::size_t i = 0; i < word.size() && n < letters.size(); ++i) {
        char32_t c = word[i];
        if (c >= 0x300 && c <= 0x36F) {
            if (n > 0) letters[n - 1] = compose(letters[n - 1], c);
            continue;  // a dot above (İ decomposed) and the like just go
        }
        if (c == 0x130) {
            c = 'i';  // İ: u_tolower would keep a combining dot in some locales; here it is i
        } else if (c >= 'A' && c <= 'Z') {
            c += 'a' - 'A';
        } else if (c >= 0x80) {
            c = static_cast<char32_t>(u_tolower(static_cast<UChar32>(c)));
        }
        letters[n++] = c;
    }
    const bool y2018 = alphabet == KazakhLatinAlphabet::Y2018;
    char32_t previous = 0;  // the last Cyrillic letter written
    for (std::size_t i = 0; i < n; ++i) {
        const char32_t c = letters[i];
        const char32_t next = i + 1 < n ? letters[i + 1] : 0;
        char32_t cyr = 0;
        switch (c) {
            case 'a':
                cyr = 0x430;
                break;
            case 0xE1:
            case 0xE4:
                cyr = 0x4D9;
                break;  // á ä -> ә
            case 'b':
                cyr = 0x431;
                break;
            case 'c':
                if (next == 'h') {  // ch (2018) -> ч
                    cyr = 0x447;
                    ++i;
                } else {
                    cyr = 0x446;  // ц in loanwords
                }
                break;
            case 0xE7:
                cyr = 0x447;
                break;  // ç -> ч
            case 'd':
                cyr = 0x434;
                break;
            case 'e':
            case 0xE9:
                cyr = 0x435;
                break;
            case 'f':
                cyr = 0x444;
                break;
            case 'g':
                cyr = 0x433;
                break;
            case 0x1F5:
            case 0x11F:
                cyr = 0x493;
                break;  // ǵ ğ -> ғ
            case 'h':
                cyr = 0x445;
                break;
            case 'i':
                cyr = 0x456;
                break;   // і
            case 0x131:  // ı: и, or й after a vowel (Qostanaı)
                cyr = is_cyrillic_vowel(previous) ? 0x439 : 0x438;
                if (y2018 && next == 0x131 && i + 2 < n && letters[i + 2] == 'a') {
                    // ııa is ия (Italııa, Azııa, Syrdarııa: я is written ıa after the и).
                    append_utf8(out, cyr);
                    cyr = 0x44F;
                    i += 2;
                }
                break;
            case 'j':
                cyr = 0x436;
                break;
            case 'k':
                cyr = 0x43A;
                break;
            case 'l':
                cyr = 0x43B;
                break;
            case 'm':
                cyr = 0x43C;
                break;
            case 'n':
                cyr = 0x43D;
                break;
            case 0x144:
            case 0xF1:
                cyr = 0x4A3;
                break;  // ń ñ -> ң
            case 'o':
                cyr = 0x43E;
                break;
            case 0xF3:
            case 0xF6:
                cyr = 0x4E9;
                break;  // ó ö -> ө
            case 'p':
                cyr = 0x43F;
                break;
            case 'q':
                cyr = 0x49B;
                break;
            case 'r':
                cyr = 0x440;
                break;
            case 's':
                if (next == 'h') {  // sh -> ш
                    cyr = 0x448;
                    ++i;
                } else {
                    cyr = 0x441;
                }
                break;
            case 0x15F:
                cyr = 0x448;
                break;  // ş -> ш
            case 't':
                cyr = 0x442;
                break;
            case 'u':
                cyr = y2018 ? 0x4B1 : 0x443;
                break;  // 2018: u is ұ; 2021: u is у
            case 0x16B:
                cyr = 0x4B1;
                break;  // ū -> ұ
            case 0xFA:
            case 0xFC:
                cyr = 0x4AF;
                break;  // ú ü -> ү
            case 0xFD:
            case 'w':
                cyr = 0x443;
                break;  // ý (2018), w (2017) -> у
            case 'v':
                cyr = 0x432;
                break;
            case 'x':
                cyr = 0x445;
                break;
            case 'y':
                cyr = 0x44B;
                break;  // ы
            case 'z':
                cyr = 0x437;
                break;
            case '\'':
                continue;
            default:
                cyr = c;  // digits and anything else stay as they are
        }
        append_utf8(out, cyr);
        previous = cyr;
    }
}

}  // namespace izdeu
