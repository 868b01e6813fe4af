#include "standard_streams.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace izdeu {

namespace {

bool is_closed(int fd) {
    return ::fcntl(fd, F_GETFD) == -1 && errno == EBADF;
}

}  // namespace

ClosedStandardStreams open_standard_streams() {
    ClosedStandardStreams closed;
    bool* flags[] = {&closed.input, &closed.output, &closed.error};
    for (int fd = 0; fd <= 2; ++fd) {
        if (!is_closed(fd)) continue;
        *flags[fd] = true;
        // open() returns the lowest free number, which is fd: the lower ones are open by now.
        // Input reads nothing; output and error go nowhere (and report no error).
        const int opened = ::open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
        if (opened != fd && opened >= 0) {
            ::dup2(opened, fd);
            ::close(opened);
        }
    }
    return closed;
}

}  // namespace izdeu
