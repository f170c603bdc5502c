// Benchmark guest: quicksort of 200,000 pseudo-random ints, then a check that they are sorted.
#define N 200000
static int v[N];

static void quicksort(int *a, long lo, long hi) {
  while (lo < hi) {
    int pivot = a[lo + (hi - lo) / 2];
    long i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        int t = a[i];
        a[i++] = a[j];
        a[j--] = t;
      }
    }
    if (j - lo < hi - i) {
      quicksort(a, lo, j);
      lo = i;
    } else {
      quicksort(a, i, hi);
      hi = j;
    }
  }
}

int main(void) {
  unsigned int x = 1;
  for (long i = 0; i < N; i++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    v[i] = (int)x;
  }
  quicksort(v, 0, N - 1);
  for (long i = 1; i < N; i++)
    if (v[i - 1] > v[i]) return 1;
  return 0;
}
