// libFuzzer target: the JSONL feed reader. Broken lines become ReadProblems; nothing throws
// except ArticleError.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "errors.h"
#include "input_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    izdeu::ReadResult result;
    try {
        izdeu::parse_jsonl(text, "fuzz.jsonl", result);
    } catch (const izdeu::ArticleError&) {
    }
    return 0;
}
