/* fs.c: small file-system helpers (mkdir -p, a slug, a whole text file); see fs.h. */
#include "util/fs.h"
#include "util/xmalloc.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

char *fs_slurp(const char *file, size_t max, char **err)
{
	FILE *f = fopen(file, "r");
	if (!f) { *err = xasprintf("%s: %s", file, strerror(errno)); return NULL; }
	size_t cap = 4096, len = 0;
	errno = 0;
	char *buf = xmalloc(cap);
	size_t k;
	while ((k = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += k;
		if (max && len > max) {
			fclose(f);
			free(buf);
			*err = xasprintf("%s: more than %zu bytes (not a file of this kind)", file, max);
			return NULL;
		}
		if (cap - len < 2) buf = xrealloc(buf, cap *= 2);
	}
	int bad = ferror(f), e = errno;
	fclose(f);
	buf[len] = '\0';
	if (bad || strlen(buf) != len) {   /* a folder; a NUL would end the text unseen */
		*err = bad ? xasprintf("%s: %s", file, strerror(e ? e : EIO))
			   : xasprintf("%s: a NUL byte at offset %zu (not a text file)", file, strlen(buf));
		free(buf);
		return NULL;
	}
	return buf;
}
