#include "database_location.h"

namespace izdeu {

std::string default_database_path(const EnvironmentView& env) {
    auto set = [](const char* v) { return v != nullptr && *v != '\0'; };
    if (set(env.izdeu_db)) return env.izdeu_db;
    if (set(env.xdg_data_home)) return std::string(env.xdg_data_home) + "/izdeu/db";
    if (set(env.home)) return std::string(env.home) + "/.local/share/izdeu/db";
    return ".izdeu/db";
}

std::string default_cache_dir(const EnvironmentView& env) {
    auto set = [](const char* v) { return v != nullptr && *v != '\0'; };
    if (set(env.xdg_cache_home)) return std::string(env.xdg_cache_home) + "/izdeu";
    if (set(env.home)) return std::string(env.home) + "/.cache/izdeu";
    return {};
}

}  // namespace izdeu
