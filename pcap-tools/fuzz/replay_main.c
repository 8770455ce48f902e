/*
 * replay_main.c - a plain main() for the fuzz entry point: runs every file
 * named on the command line (or every file of a directory) through
 * LLVMFuzzerTestOneInput, plus N pseudo-random mutations of each
 * (--mutations N, default 200, deterministic).  Used by ctest so that the
 * normal (and the ASan) build exercises the decoder on the corpus.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned long g_runs;

static uint32_t next_rand(uint32_t *s) {
  *s ^= *s << 13;
  *s ^= *s >> 17;
  *s ^= *s << 5;
  return *s;
}

static int run_file(const char *path, long mutations) {
  uint8_t buf[65536], mut[65536];
  size_t n;
  long i;
  uint32_t seed = 2463534242u;
  FILE *f = fopen(path, "rb");

  if (f == NULL) {
    fprintf(stderr, "fuzz_wire_replay: cannot open %s\n", path);
    return -1;
  }
  n = fread(buf, 1, sizeof(buf), f);
  fclose(f);
  LLVMFuzzerTestOneInput(buf, n);
  g_runs++;
  for (i = 0; i < mutations && n > 0; ++i) {
    size_t len = n, k, flips = 1 + next_rand(&seed) % 8;
    memcpy(mut, buf, n);
    for (k = 0; k < flips; ++k) {
      size_t pos = next_rand(&seed) % n;
      mut[pos] = (uint8_t)next_rand(&seed);
    }
    if (next_rand(&seed) % 4 == 0) {
      len = next_rand(&seed) % (n + 1); /* truncate */
    }
    LLVMFuzzerTestOneInput(mut, len);
    g_runs++;
  }
  return 0;
}

int main(int argc, char **argv) {
  long mutations = 200;
  int i, bad = 0;

  for (i = 1; i < argc; ++i) {
    DIR *d;
    if (strcmp(argv[i], "--mutations") == 0 && i + 1 < argc) {
      mutations = strtol(argv[++i], NULL, 10);
      continue;
    }
    d = opendir(argv[i]);
    if (d != NULL) {
      struct dirent *e;
      while ((e = readdir(d)) != NULL) {
        char path[4096];
        if (e->d_name[0] == '.') {
          continue;
        }
        snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
        bad |= run_file(path, mutations) != 0;
      }
      closedir(d);
    } else {
      bad |= run_file(argv[i], mutations) != 0;
    }
  }
  printf("fuzz_wire_replay: %lu inputs decoded\n", g_runs);
  return bad || g_runs == 0 ? 1 : 0;
}
