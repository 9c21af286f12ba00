/* fs.c: small file-system helpers (mkdir -p, a slug, a whole text file); see fs.h. */
#include "util/fs.h"
#include "util/xmalloc.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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

int fs_write_whole(const char *file, int (*put)(FILE *f, void *arg, char **err), void *arg, char **err)
{
	*err = NULL;
	char *tmp = xasprintf("%s.%ld.tmp", file, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "w");
	int e = errno, rc = -1, bad = !f;
	if (f) {
		errno = 0;
		rc = put(f, arg, err);
		bad = rc < 0 || fflush(f) != 0 || ferror(f);
		e = errno ? errno : EIO;
		if (fclose(f) != 0 && !bad) { bad = 1; e = errno; }
		if (!bad && rename(tmp, file) != 0) { bad = 1; e = errno; }
	} else if (fd >= 0) {
		close(fd);
	}
	if (bad && fd >= 0) unlink(tmp);
	if (bad && !*err) *err = xasprintf("%s: %s", file, strerror(e));
	free(tmp);
	return bad ? -1 : rc;
}
