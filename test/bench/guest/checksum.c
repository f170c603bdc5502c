// Benchmark guest: a byte-wise checksum (m1n1's own, spec §2.5) over 1 MiB, 16 times.
static unsigned char data[1 << 20];

int main(void) {
  unsigned int x = 12345;
  for (unsigned i = 0; i < sizeof data; i++) {
    x = x * 1103515245u + 12345u;
    data[i] = x >> 16;
  }
  unsigned int sum = 0;
  for (int round = 0; round < 16; round++) {
    unsigned int s = 0xdeadbeef;
    for (unsigned i = 0; i < sizeof data; i++) s = s * 31337u + (data[i] ^ 0x5a);
    sum ^= s ^ 0xaddedbad;
  }
  return sum & 0xff;
}
