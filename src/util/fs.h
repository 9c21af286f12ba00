/* fs: small file-system helpers. */
#ifndef PARLAB_FS_H
#define PARLAB_FS_H
#include <stddef.h>
#include <sys/types.h>

/* mkdir -p: creates every missing folder of dir with mode; 0, or -1 with
 * errno set (ENOTDIR when dir exists but is no folder). */
int fs_mkdirs(const char *dir, mode_t mode);

/* A file-name-safe form of title in dst: ASCII letters and digits in lower
 * case, every other run of characters one '-', none at either end ("Five
 * worker processes!" -> "five-worker-processes"). Returns its length (0:
 * nothing of title was kept). */
size_t fs_slug(char *dst, size_t cap, const char *title);

/* The whole text file (caller frees), or NULL and *err ("FILE: why",
 * caller frees): it cannot be read, holds a NUL byte, or is longer than
 * max bytes (0: any length). */
char *fs_slurp(const char *file, size_t max, char **err);

#endif
