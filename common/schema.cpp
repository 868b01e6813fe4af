#include "schema.h"

#include <cstdio>

namespace izdeu::schema {

std::string hex_hash64(std::string_view bytes) {
    // FNV-1a: stable across builds and platforms, which std::hash is not.
    Hash64Stream h;
    h.update(bytes);
    return h.hex();
}

std::string Hash64Stream::hex() const {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(state_));
    return std::string(buf, 16);
}

std::string id_term(std::string_view id) {
    std::string term(kIdPrefix);
    if (id.size() + term.size() <= kMaxTermBytes) {
        term += id;
    } else {
        term += "#";
        term += hex_hash64(id);
    }
    return term;
}

std::string source_file_term(std::string_view path) {
    return std::string(kSourceFilePrefix) + hex_hash64(path);
}

}  // namespace izdeu::schema

namespace izdeu::schema {

std::string identity_mismatch(const Xapian::Database& db, const std::string& analyzer_fingerprint) {
    const std::string version = db.get_metadata(std::string(kMetaSchemaVersion));
    const std::string analyzer = db.get_metadata(std::string(kMetaAnalyzer));
    if (version.empty() && analyzer.empty()) {
        if (db.get_doccount() == 0) return {};
        return "the database was not made by izdeu (no schema version recorded)";
    }
    if (version != std::to_string(kSchemaVersion)) {
        return "the database has schema version " + version + ", this izdeu reads version " +
               std::to_string(kSchemaVersion);
    }
    if (analyzer != analyzer_fingerprint) {
        return "the database was made by a different analyzer (" + analyzer + "; this is " + analyzer_fingerprint + ")";
    }
    return {};
}

}  // namespace izdeu::schema
