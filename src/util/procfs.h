/* procfs: small readers of /proc files shared by the runner and run. */
#ifndef PARLAB_PROCFS_H
#define PARLAB_PROCFS_H
#include <stddef.h>
#include <sys/types.h>

/* Reads /proc/<pid>/task/<tid>/stat (tid <= 0: /proc/<pid>/stat) into buf
 * and returns the fields after the comm (state first), or NULL. The comm
 * may hold spaces and parentheses, hence the last ')'. */
char *procfs_stat(pid_t pid, pid_t tid, char *buf, size_t cap);

#endif
