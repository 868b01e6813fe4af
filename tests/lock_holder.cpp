// Test helper: holds an izdeu database's write lock (as a running indexer would) until killed.
#include <unistd.h>

#include <iostream>

#include <xapian.h>

int main(int argc, char** argv) {
    if (argc != 2) return 2;
    Xapian::WritableDatabase db(argv[1], Xapian::DB_CREATE_OR_OPEN);
    std::cout << "locked" << std::endl;
    for (;;) pause();
}
