#!/usr/bin/python3
"""spool_sink.py SPOOL_DIR LOG: write the name of every spool file renamed or created in SPOOL_DIR to
LOG, one a line (after a first line READY), so a key written twice is seen though the second write
replaces the first file; OVERFLOW when inotify dropped events."""
import ctypes, os, struct, sys
libc = ctypes.CDLL(None, use_errno=True)
fd = libc.inotify_init()
if fd < 0 or libc.inotify_add_watch(fd, sys.argv[1].encode(), 0x80 | 0x100) < 0:  # IN_MOVED_TO | IN_CREATE
    sys.exit("inotify: errno %d" % ctypes.get_errno())
out = open(sys.argv[2], "a", buffering=1)
out.write("READY\n")
while True:
    buf = os.read(fd, 1 << 16)
    i = 0
    while i < len(buf):
        wd, mask, cookie, n = struct.unpack_from("iIII", buf, i)
        name = buf[i + 16:i + 16 + n].rstrip(b"\0").decode(errors="replace")
        i += 16 + n
        if mask & 0x4000:
            out.write("OVERFLOW\n")
        elif name.endswith(".eml") and not name.startswith("."):
            out.write(name + "\n")
