/* fs.c: small file-system helpers (mkdir -p); see fs.h. */
#include "util/fs.h"
#include "util/xmalloc.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

int fs_mkdirs(const char *dir, mode_t mode)
{
	char *p = xstrdup(dir);
	int rc = 0;
	for (char *q = p + 1; !rc; q++) {
		int last = !*q;
		if (*q != '/' && !last) continue;
		*q = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST) rc = -1;
		if (last) break;
		*q = '/';
	}
	struct stat st;
	if (!rc && stat(p, &st) < 0) rc = -1;
	else if (!rc && !S_ISDIR(st.st_mode)) { rc = -1; errno = ENOTDIR; }
	free(p);
	return rc;
}

size_t fs_slug(char *dst, size_t cap, const char *title)
{
	size_t o = 0;
	for (const char *p = title ? title : ""; *p && o + 1 < cap; p++) {
		unsigned char c = (unsigned char)*p;
		if (c < 0x80 && isalnum(c)) dst[o++] = (char)tolower(c);
		else if (o && dst[o - 1] != '-') dst[o++] = '-';
	}
	while (o && dst[o - 1] == '-') o--;
	if (cap) dst[o] = '\0';
	return o;
}
