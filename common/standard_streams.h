#pragma once
// Standard input, output and error as a program finds them at its start.
//
// A program started with one of them closed (`izdeu-watch >&-`, a careless cron wrapper) gets
// that descriptor number back from the next open(): its lock file or index file would then be
// descriptor 1 or 2, and every line it prints would be written into that file.

namespace izdeu {

/// Which of descriptors 0, 1 and 2 were closed before open_standard_streams() reopened them.
struct ClosedStandardStreams {
    bool input = false;
    bool output = false;
    bool error = false;
};

/// Reopens each closed standard descriptor on /dev/null, so that no file the program opens
/// later can take its number. Call first thing in main(), before anything opens a file.
ClosedStandardStreams open_standard_streams();

}  // namespace izdeu
