#include "version.h"

#include <xapian.h>

#include <unicode/uchar.h>
#include <unicode/uversion.h>

// IZDEU_VERSION comes from common/CMakeLists.txt (project(VERSION)), set on this file only so a
// version bump recompiles one file.
#ifndef IZDEU_VERSION
#error "IZDEU_VERSION must be defined by the build"
#endif

namespace izdeu {

std::string_view project_version() {
    return IZDEU_VERSION;
}

std::string version_line(std::string_view program) {
    // The same versions as Analyzer::fingerprint(): Xapian's as loaded at run time, ICU's and
    // Unicode's as compiled in.
    std::string line(program);
    line += " ";
    line += project_version();
    line += " (Xapian ";
    line += Xapian::version_string();
    line += ", ICU " U_ICU_VERSION ", Unicode " U_UNICODE_VERSION ")\n";
    return line;
}

}  // namespace izdeu
