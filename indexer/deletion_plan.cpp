#include "deletion_plan.h"

#include <cmath>

namespace izdeu {

namespace {

std::string percent(double share) {
    return std::to_string(static_cast<long>(std::lround(share * 100))) + "%";
}

}  // namespace

bool path_is_under(const std::string& path, const std::string& root) {
    return path == root || root == "/" ||
           (path.size() > root.size() && path.compare(0, root.size(), root) == 0 && path[root.size()] == '/');
}

DeletionPlan plan_deletions(const std::vector<std::string>& roots, const std::vector<std::string>& unreadable,
                            const std::unordered_set<std::string>& seen, const std::vector<IndexedFile>& indexed,
                            const DeletionLimits& limits) {
    DeletionPlan plan;
    auto gone = [&](const IndexedFile& f) {
        if (seen.count(f.path)) return false;
        // A folder the walk could not read hides its files; they are not gone.
        for (const std::string& u : unreadable) {
            if (path_is_under(f.path, u)) return false;
        }
        return true;
    };
    std::vector<std::string> braked;
    for (const std::string& root : roots) {
        std::size_t indexed_articles = 0, doomed_articles = 0;
        for (const IndexedFile& f : indexed) {
            if (!path_is_under(f.path, root)) continue;
            indexed_articles += f.articles;
            if (gone(f)) doomed_articles += f.articles;
        }
        if (doomed_articles == 0 || limits.allow_mass_delete) continue;
        bool any_seen = false;
        for (const std::string& s : seen) {
            if (path_is_under(s, root)) {
                any_seen = true;
                break;
            }
        }
        const double share = static_cast<double>(doomed_articles) / static_cast<double>(indexed_articles);
        const std::string way_out =
            "; nothing deleted from it (run with --allow-mass-delete if the files are "
            "really gone)";
        if (!any_seen) {
            plan.refusals.push_back("the folder holds no article now: deleting all " +
                                    std::to_string(indexed_articles) +
                                    " articles indexed from it looks like an unmounted or moved folder" + way_out);
        } else if (share > limits.max_share && doomed_articles > kOrdinaryDeletionArticles) {
            plan.refusals.push_back(std::to_string(doomed_articles) + " of the " + std::to_string(indexed_articles) +
                                    " articles indexed from it (" + percent(share) +
                                    ") are gone, more than --max-delete allows (" + percent(limits.max_share) + ")" +
                                    way_out);
        } else {
            continue;
        }
        plan.held_by.push_back(root);
        braked.push_back(root);
    }
    for (const IndexedFile& f : indexed) {
        bool in_scope = false, held = false;
        for (const std::string& root : roots) in_scope = in_scope || path_is_under(f.path, root);
        for (const std::string& root : braked) held = held || path_is_under(f.path, root);
        if (in_scope && !held && gone(f)) plan.doomed.push_back(f.path);
    }
    return plan;
}

}  // namespace izdeu
