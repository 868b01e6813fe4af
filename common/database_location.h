#pragma once
// Where the database lives when the user names none. Both tools share this rule.
// The library reads no environment: the CLIs pass what they read.

#include <string>
#include <vector>

namespace izdeu {

struct EnvironmentView {
    const char* izdeu_db = nullptr;        ///< $IZDEU_DB
    const char* xdg_data_home = nullptr;   ///< $XDG_DATA_HOME
    const char* home = nullptr;            ///< $HOME
    const char* xdg_cache_home = nullptr;  ///< $XDG_CACHE_HOME
};

/// --db wins, then $IZDEU_DB, then $XDG_DATA_HOME/izdeu/db, then ~/.local/share/izdeu/db.
std::string default_database_path(const EnvironmentView& env);

/// Where izdeu keeps files it can make again (the Russian dictionary as read):
/// $XDG_CACHE_HOME/izdeu, else ~/.cache/izdeu; empty (no cache) when neither is set.
std::string default_cache_dir(const EnvironmentView& env);

}  // namespace izdeu
