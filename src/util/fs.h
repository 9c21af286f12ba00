/* fs: small file-system helpers. */
#ifndef PARLAB_FS_H
#define PARLAB_FS_H
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* mkdir -p: creates every missing folder of dir with mode; 0, or -1 with
 * errno set (ENOTDIR when dir exists but is no folder). */
int fs_mkdirs(const char *dir, mode_t mode);

/* A file-name-safe form of title in dst: ASCII letters and digits in lower
 * case, every other run of characters one '-', none at either end ("Five
 * worker processes!" -> "five-worker-processes"). Returns its length (0:
 * nothing of title was kept). */
size_t fs_slug(char *dst, size_t cap, const char *title);

/* Writes file whole or not at all: put(f, arg, err) writes into
 * FILE.PID.tmp beside it, which is renamed over file once written and
 * closed. A failure (put's -1, a full disk, a file size limit, file a
 * folder) leaves file as it was and no temporary file behind. Returns
 * put's result (>= 0), or -1 and *err: put's own, else "FILE: why"
 * (caller frees). */
int fs_write_whole(const char *file, int (*put)(FILE *f, void *arg, char **err), void *arg, char **err);

/* The whole text file (caller frees), or NULL and *err ("FILE: why",
 * caller frees): it cannot be read, holds a NUL byte, or is longer than
 * max bytes (0: any length). */
char *fs_slurp(const char *file, size_t max, char **err);

#endif
