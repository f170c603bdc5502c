# node-gyp build of the native pty helper (native/pty/pty.c), used only by core/transport/pty.ts.
# `npm install` / `npm ci` build it (npm runs `node-gyp rebuild` for a root package with a
# binding.gyp); the result is build/Release/hvdbg_pty.node. Not built on Windows (no ptys).
{
  "targets": [
    {
      "target_name": "hvdbg_pty",
      "conditions": [
        ["OS=='win'", { "type": "none" }, {
          "sources": ["native/pty/pty.c"],
          "cflags": ["-std=c11", "-Wall", "-Wextra", "-O2"],
          "xcode_settings": { "OTHER_CFLAGS": ["-std=c11", "-Wall", "-Wextra"] }
        }]
      ]
    }
  ]
}
