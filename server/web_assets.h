#pragma once
// The search page: one HTML file, one script, one stylesheet, compiled into the binary from
// server/web/ (embed_assets.cmake), so nothing is fetched from anywhere else.

#include <array>
#include <string_view>
#include <vector>

namespace izdeu::serve {

struct WebAsset {
    std::array<const char*, 2> paths;  ///< the URL paths it is served at (nullptr: unused)
    const char* content_type;
    std::string_view content;
};

const std::vector<WebAsset>& web_assets();

}  // namespace izdeu::serve
