/* fs: small file-system helpers. */
#ifndef PARLAB_FS_H
#define PARLAB_FS_H
#include <sys/types.h>

/* mkdir -p: creates every missing folder of dir with mode; 0, or -1 with
 * errno set (ENOTDIR when dir exists but is no folder). */
int fs_mkdirs(const char *dir, mode_t mode);

#endif
