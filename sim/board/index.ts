// Layer: sim/board — the virtual Mac mini's board description (layout, ADT, boot_args). Imports
// this folder only.
export { VIRTUAL_M1_LAYOUT, j274Layout, type BoardLayout, type FramebufferLayout } from './layout.ts';
export { buildJ274Adt, j274AdtBytes, j274AdtSpec, type J274AdtOptions } from './j274-adt.ts';
export * from './j274-devices.ts';
export { DEFAULT_J274_CMDLINE, j274BootArgs, j274BootArgsBytes, type J274BootArgsOptions } from './boot-args.ts';
export { installBoard, type InstallBoardOptions, type InstalledBoard } from './install.ts';
