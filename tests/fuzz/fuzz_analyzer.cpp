// libFuzzer target: the analyzer. The first byte picks the document language; every token's
// byte offsets must lie inside the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "analyzer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static izdeu::Analyzer analyzer;  // one per process: the fuzzer runs one thread
    if (size == 0) return 0;
    const auto language = static_cast<izdeu::Language>(data[0] % 4);
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    analyzer.analyze(text, language, 0, [&](const izdeu::Token& token) {
        if (token.start > token.end || token.end > text.size()) std::abort();
        if (token.term.empty()) std::abort();
    });
    (void)izdeu::Analyzer::detect_language(text);
    return 0;
}
