// Benchmark guest: memcpy and memset of 64 KiB blocks at varied alignments, the loops gcc
// vectorises at -O2 (SIMD loads/stores), 256 rounds.
#include <stddef.h>
static unsigned char src[65536 + 64], dst[65536 + 64];

__attribute__((noinline)) static void copy(unsigned char *d, const unsigned char *s, size_t n) {
  for (size_t i = 0; i < n; i++) d[i] = s[i];
}
__attribute__((noinline)) static void fill(unsigned char *d, int c, size_t n) {
  for (size_t i = 0; i < n; i++) d[i] = (unsigned char)c;
}

int main(void) {
  unsigned sum = 0;
  for (int round = 0; round < 256; round++) {
    fill(src + (round & 15), round, 65536);
    copy(dst + (round & 31), src + (round & 15), 65536);
    sum += dst[(round * 977) & 65535];
  }
  return sum & 0xff;
}
