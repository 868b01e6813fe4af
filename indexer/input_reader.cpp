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

void parse_jsonl_line(std::string_view line, const std::string& where, ReadResult& result) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line.empty()) return;
    nlohmann::json obj = nlohmann::json::parse(line, nullptr, false);
    if (obj.is_discarded() || !obj.is_object()) {
        result.problems.push_back(
            {where, is_valid_utf8(line) ? "not a JSON object" : "not a JSON object (not valid UTF-8)"});
        return;
    }
    bool wrong_type = false;
    Article a;
    a.id = string_field(obj, "id", wrong_type);
    if (a.id.empty()) {
        result.problems.push_back({where, wrong_type ? "\"id\" must be a string or integer" : "missing \"id\""});
        return;
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
        return;
    }
    if (!date.empty()) {
        a.published = parse_date(date);
        if (!a.published) a.warnings.push_back("unreadable date '" + date + "'");
    }
    if (a.title.empty() && a.body.empty()) {
        result.problems.push_back({where, "article \"" + a.id + "\" has no title and no text"});
        return;
    }
    result.articles.push_back(std::move(a));
}

void parse_jsonl(std::string_view text, const std::string& path, ReadResult& result) {
    std::map<std::string, std::size_t> seen;  // id -> index in result.articles
    std::size_t line_no = 0, start = 0;
    while (start < text.size()) {
        std::size_t nl = text.find('\n', start);
        if (nl == std::string_view::npos) nl = text.size();
        const std::string_view line = text.substr(start, nl - start);
        start = nl + 1;
        ++line_no;
        const std::string where = path + ":" + std::to_string(line_no);
        const std::size_t before = result.articles.size();
        parse_jsonl_line(line, where, result);
        if (result.articles.size() == before) continue;
        auto [it, inserted] = seen.emplace(result.articles.back().id, before);
        if (!inserted) {
            // The later line wins, as a newer copy of the same article would.
            result.problems.push_back(
                {where, "duplicate id \"" + result.articles.back().id + "\" (this line replaces an earlier one)"});
            result.articles[it->second] = std::move(result.articles.back());
            result.articles.pop_back();
        }
    }
}

struct BlockReader::Source {
    gzFile gz = nullptr;
    std::ifstream plain;
    ~Source() {
        if (gz != nullptr) gzclose(gz);
    }
};

BlockReader::BlockReader(const InputFile& file) : source_(std::make_unique<Source>()), path_(file.path) {
    buffer_.resize(1 << 20);
    if (file.gzip) {
        source_->gz = gzopen(file.path.c_str(), "rb");
        if (source_->gz == nullptr) throw ArticleError(std::string("cannot open: ") + std::strerror(errno));
    } else {
        source_->plain.open(file.path, std::ios::binary);
        if (!source_->plain) throw ArticleError(std::string("cannot open: ") + std::strerror(errno));
    }
}

BlockReader::~BlockReader() = default;

std::string_view BlockReader::next() {
    if (source_->gz != nullptr) {
        const int n = gzread(source_->gz, buffer_.data(), static_cast<unsigned>(buffer_.size()));
        if (n < 0) {
            int code = 0;
            std::string message = gzerror(source_->gz, &code);
            if (message.rfind(path_ + ": ", 0) == 0) message.erase(0, path_.size() + 2);
            throw ArticleError("corrupt gzip data: " + message);
        }
        return {buffer_.data(), static_cast<std::size_t>(n)};
    }
    source_->plain.read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    if (source_->plain.bad()) throw ArticleError(std::string("read error: ") + std::strerror(errno));
    return {buffer_.data(), static_cast<std::size_t>(source_->plain.gcount())};
}

bool LineReader::next(std::string& line) {
    for (;;) {
        const std::size_t nl = pending_.find('\n', start_);
        if (nl != std::string::npos) {
            line.assign(pending_, start_, nl - start_);
            start_ = nl + 1;
            return true;
        }
        if (at_end_) {
            if (start_ >= pending_.size()) return false;
            line.assign(pending_, start_, std::string::npos);
            start_ = pending_.size();
            return true;
        }
        pending_.erase(0, start_);  // keep only the unfinished line
        start_ = 0;
        const std::string_view block = blocks_.next();
        if (block.empty()) {
            at_end_ = true;
        } else {
            pending_.append(block);
        }
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
