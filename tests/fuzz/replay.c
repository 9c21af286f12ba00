/* replay.c: runs a fuzz target on files (or every file of folders) once
 * each, without libFuzzer: the corpus as a regression test. */
#include "fuzz.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int one(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) { perror(path); return 1; }
	size_t cap = 4096, n = 0;
	uint8_t *buf = malloc(cap);
	size_t got;
	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) buf = realloc(buf, cap *= 2);
	}
	fclose(f);
	if (!buf) return 1;
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return 0;
}

static int compare(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv)
{
	int runs = 0, bad = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) < 0) { perror(argv[i]); return 1; }
		if (!S_ISDIR(st.st_mode)) { bad += one(argv[i]); runs++; continue; }
		DIR *d = opendir(argv[i]);
		if (!d) { perror(argv[i]); return 1; }
		char **names = NULL;
		size_t nn = 0;
		for (struct dirent *e; (e = readdir(d));) {
			if (e->d_name[0] == '.') continue;
			names = realloc(names, (nn + 1) * sizeof *names);
			names[nn++] = strdup(e->d_name);
		}
		closedir(d);
		qsort(names, nn, sizeof *names, compare);
		for (size_t k = 0; k < nn; k++) {
			char path[4096];
			snprintf(path, sizeof path, "%s/%s", argv[i], names[k]);
			bad += one(path);
			runs++;
			free(names[k]);
		}
		free(names);
	}
	printf("%d inputs run, %d unreadable\n", runs, bad);
	return bad || !runs;
}
