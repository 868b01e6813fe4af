#include "input_reader.h"

#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>

#include <nlohmann/json.hpp>

#include "article_parser.h"
#include "errors.h"
#include "schema.h"
#include "text_encoding.h"

namespace izdeu {

namespace {

std::string read_gzip(const std::string& path) {
    gzFile gz = gzopen(path.c_str(), "rb");
    if (gz == nullptr) throw ArticleError(std::string("cannot open: ") + std::strerror(errno));
    std::unique_ptr<gzFile_s, decltype(&gzclose)> guard(gz, gzclose);
    std::string out;
    char buf[1 << 16];
    for (;;) {
        int n = gzread(gz, buf, sizeof buf);
        if (n < 0) {
            int code = 0;
            // zlib's message starts with the path, which the report already names.
            std::string message = gzerror(gz, &code);
            if (message.rfind(path + ": ", 0) == 0) message.erase(0, path.size() + 2);
            throw ArticleError("corrupt gzip data: " + message);
        }
        if (n == 0) break;
        out.append(buf, static_cast<size_t>(n));
    }
    return out;
}

// A JSON field that may be absent, a string, or (for dates and ids) a number.
std::string string_field(const nlohmann::json& obj, const char* name, bool& wrong_type) {
    auto it = obj.find(name);
    if (it == obj.end() || it->is_null()) return {};
    if (it->is_string()) return it->get<std::string>();
    if (it->is_number_integer()) return std::to_string(it->get<long long>());
    wrong_type = true;
    return {};
}

}  // namespace

std::string read_file_bytes(const InputFile& file) {
    if (file.gzip) return read_gzip(file.path);
    std::ifstream in(file.path, std::ios::binary);
    if (!in) throw ArticleError(std::string("cannot open: ") + std::strerror(errno));
    std::string bytes;
    in.seekg(0, std::ios::end);
    auto size = in.tellg();
    if (size > 0) bytes.resize(static_cast<size_t>(size));
    in.seekg(0);
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!in && !in.eof()) throw ArticleError(std::string("read error: ") + std::strerror(errno));
    bytes.resize(static_cast<size_t>(in.gcount()));
    return bytes;
}

void parse_jsonl(std::string_view text, const std::string& path, ReadResult& result) {
    std::map<std::string, std::size_t> seen;  // id -> index in result.articles
    std::size_t line_no = 0, start = 0;
    while (start < text.size()) {
        std::size_t nl = text.find('\n', start);
        if (nl == std::string_view::npos) nl = text.size();
        std::string_view line = text.substr(start, nl - start);
        start = nl + 1;
        ++line_no;
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
        if (line.empty()) continue;
        const std::string where = path + ":" + std::to_string(line_no);
        nlohmann::json obj = nlohmann::json::parse(line, nullptr, false);
        if (obj.is_discarded() || !obj.is_object()) {
            result.problems.push_back({where, "not a JSON object"});
            continue;
        }
        bool wrong_type = false;
        Article a;
        a.id = string_field(obj, "id", wrong_type);
        if (a.id.empty()) {
            result.problems.push_back({where, wrong_type ? "\"id\" must be a string or integer"
                                                         : "missing \"id\""});
            continue;
        }
        a.title = string_field(obj, "title", wrong_type);
        a.body = string_field(obj, "text", wrong_type);
        if (a.body.empty()) a.body = string_field(obj, "body", wrong_type);
        a.language = string_field(obj, "lang", wrong_type);
        a.credit = string_field(obj, "credit", wrong_type);
        if (a.credit.empty()) a.credit = string_field(obj, "source", wrong_type);
        a.url = string_field(obj, "url", wrong_type);
        std::string date = string_field(obj, "date", wrong_type);
        if (wrong_type) {
            result.problems.push_back({where, "a field has the wrong type (strings expected)"});
            continue;
        }
        if (!date.empty()) {
            a.published = parse_date(date);
            if (!a.published) a.warnings.push_back("unreadable date '" + date + "'");
        }
        if (a.title.empty() && a.body.empty()) {
            result.problems.push_back({where, "article \"" + a.id + "\" has no title and no text"});
            continue;
        }
        auto [it, inserted] = seen.emplace(a.id, result.articles.size());
        if (!inserted) {
            // The later line wins, as a newer copy of the same article would.
            result.problems.push_back({where, "duplicate id \"" + a.id + "\" (this line replaces an earlier one)"});
            result.articles[it->second] = std::move(a);
            continue;
        }
        result.articles.push_back(std::move(a));
    }
}

ReadResult parse_input(const InputFile& file, std::string_view bytes) {
    ReadResult result;
    result.content_hash = schema::hex_hash64(bytes);
    if (bytes.empty()) throw ArticleError("empty file");
    DecodedText decoded = decode_text(bytes);
    if (decoded.converted) result.notes.push_back("converted from " + decoded.encoding);
    if (file.kind == InputKind::Jsonl) {
        parse_jsonl(decoded.text, file.path, result);
        if (result.articles.empty() && !result.problems.empty()) {
            throw ArticleError("no valid article in the file (" + result.problems.front().reason + ")");
        }
        return result;
    }
    Article a = parse_article_text(decoded.text);
    a.id = file.id;
    result.articles.push_back(std::move(a));
    return result;
}

}  // namespace izdeu
