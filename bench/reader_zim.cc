// bench/reader.sh's libzim side: open + find + read one small entry, repeated, and random
// 64 KiB reads of a media entry (libzim stores media uncompressed in its own clusters).
#include <zim/archive.h>
#include <zim/item.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

static double now()
{
    using namespace std::chrono;
    return duration<double>(steady_clock::now().time_since_epoch()).count();
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        std::fprintf(stderr, "usage: %s ZIM SMALL_PATH MEDIA_PATH ROUNDS\n", argv[0]);
        return 2;
    }
    int rounds = std::atoi(argv[4]);
    double t0 = now();
    size_t total = 0;
    for (int i = 0; i < rounds; i++) {
        zim::Archive archive(argv[1]);
        zim::Blob blob = archive.getEntryByPath(argv[2]).getItem(true).getData();
        total += blob.size();
    }
    std::printf("small_open_read_us %.1f us\n", (now() - t0) / rounds * 1e6);
    zim::Archive archive(argv[1]);
    zim::Item media = archive.getEntryByPath(argv[3]).getItem(true);
    uint64_t size = media.getSize(), chunk = 1 << 16;
    uint64_t span = size > chunk ? size - chunk : 1;
    int reads = rounds * 20;
    std::srand(7);
    double t1 = now();
    for (int i = 0; i < reads; i++) {
        uint64_t at = ((uint64_t)std::rand() * 4099u) % span;
        total += media.getData(at, chunk).size();
    }
    double s = now() - t1;
    std::printf("media_zim_MBps %.0f MB/s\n", (double)reads * chunk / 1e6 / s);
    return total == 0;
}
