// Layer: native helper for core/transport/pty.ts (the virtual M1's end of a pseudo-terminal).
// Node has no openpty(), so this tiny N-API addon does only what JavaScript cannot:
// allocate a pty pair, put its slave in raw mode and hand the file descriptors back.
// All I/O happens in JavaScript on the returned master fd.
//
// open() -> { masterFd, slaveFd, path }
//   masterFd  O_RDWR | O_NONBLOCK | FD_CLOEXEC, raw termios (libuv polls it)
//   slaveFd   O_RDWR | O_NOCTTY | FD_CLOEXEC, raw 8-bit clean termios: cfmakeraw (no echo,
//             no CR/LF translation, no signals, no XON/XOFF, CS8), CLOCAL | CREAD, VMIN=1, VTIME=0.
//             The caller keeps it open so the pty survives the host closing its own slave fd
//             (without an open slave, reads on the master fail with EIO).
//   path      the slave's name, e.g. "/dev/pts/5", which the host opens as a serial port.
//
// POSIX posix_openpt/grantpt/unlockpt/ptsname instead of openpty(): no -lutil on older glibc,
// and the same code builds on macOS.

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <node_api.h>

static napi_value throw_errno(napi_env env, const char* what, int err) {
  char message[256];
  snprintf(message, sizeof message, "%s: %s", what, strerror(err));
  napi_value code, msg, error;
  // pty.ts wraps this in a TransportError; the numeric errno rides along for its message.
  napi_create_string_utf8(env, "PTY_NATIVE_ERROR", NAPI_AUTO_LENGTH, &code);
  napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &msg);
  napi_create_error(env, code, msg, &error);
  napi_value errno_value;
  napi_create_int32(env, err, &errno_value);
  napi_set_named_property(env, error, "errno", errno_value);
  napi_throw(env, error);
  return NULL;
}

static int set_fd_flag(int fd, int flag) {
  int flags = fcntl(fd, F_GETFD);
  if (flags < 0) return -1;
  return fcntl(fd, F_SETFD, flags | flag);
}

static int set_fl_flag(int fd, int flag) {
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0) return -1;
  return fcntl(fd, F_SETFL, flags | flag);
}

static int make_raw(int fd) {
  struct termios t;
  if (tcgetattr(fd, &t) != 0) return -1;
  cfmakeraw(&t);  // clears ECHO, ICANON, ISIG, IEXTEN, ICRNL, INLCR, IGNCR, IXON, ISTRIP, OPOST; sets CS8
  t.c_cflag |= CLOCAL | CREAD;
  t.c_cc[VMIN] = 1;
  t.c_cc[VTIME] = 0;
  return tcsetattr(fd, TCSANOW, &t);
}

static napi_value open_pty(napi_env env, napi_callback_info info) {
  (void)info;
  int master = posix_openpt(O_RDWR | O_NOCTTY);
  if (master < 0) return throw_errno(env, "posix_openpt", errno);

  const char* step = NULL;
  int slave = -1;
  char path[128];
  if (set_fd_flag(master, FD_CLOEXEC) != 0) { step = "fcntl(master, FD_CLOEXEC)"; goto fail; }
  if (grantpt(master) != 0) { step = "grantpt"; goto fail; }
  if (unlockpt(master) != 0) { step = "unlockpt"; goto fail; }
#ifdef __linux__
  if (ptsname_r(master, path, sizeof path) != 0) { step = "ptsname_r"; goto fail; }
#else
  {
    const char* name = ptsname(master);  // not thread-safe, but N-API calls run on the JS thread
    if (name == NULL || strlen(name) >= sizeof path) { step = "ptsname"; goto fail; }
    strcpy(path, name);
  }
#endif
  slave = open(path, O_RDWR | O_NOCTTY);
  if (slave < 0) { step = "open(slave)"; goto fail; }
  if (set_fd_flag(slave, FD_CLOEXEC) != 0) { step = "fcntl(slave, FD_CLOEXEC)"; goto fail; }
  // Raw from the start: frames written before the host opens the slave must pass unchanged.
  if (make_raw(slave) != 0) { step = "tcsetattr(slave)"; goto fail; }
  // Linux creates the master raw already; setting it again costs nothing and covers macOS.
  if (make_raw(master) != 0) { step = "tcsetattr(master)"; goto fail; }
  if (set_fl_flag(master, O_NONBLOCK) != 0) { step = "fcntl(master, O_NONBLOCK)"; goto fail; }

  napi_value result, master_value, slave_value, path_value;
  napi_create_object(env, &result);
  napi_create_int32(env, master, &master_value);
  napi_create_int32(env, slave, &slave_value);
  napi_create_string_utf8(env, path, NAPI_AUTO_LENGTH, &path_value);
  napi_set_named_property(env, result, "masterFd", master_value);
  napi_set_named_property(env, result, "slaveFd", slave_value);
  napi_set_named_property(env, result, "path", path_value);
  return result;

fail: {
    int err = errno;
    if (slave >= 0) close(slave);
    close(master);
    return throw_errno(env, step, err);
  }
}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  napi_value fn;
  napi_create_function(env, "open", NAPI_AUTO_LENGTH, open_pty, NULL, &fn);
  napi_set_named_property(env, exports, "open", fn);
  return exports;
}
