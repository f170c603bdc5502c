// Layer: core/dcp. The DCP method table of the seed era (m1n1 2021-08, firmware 12.x), as data:
// apple-devices.md §7.7. Shared by the virtual DCP firmware and the DCP tracer. Pure; imports
// this folder only.
//
// Each row copies the spec's columns: tag, class, name, argument signature, return type, and the
// input/output block sizes. The sizes are kept as declared so a test can check that the
// marshalling rules of §7.6 reproduce them. A103 is decoded as the 2021-08 test_control, as the
// seed shows (§7.7 notes).

import { DcpCodecError } from './errors.ts';
import { parseArgs, parseType, type DcpArg, type DcpType } from './method-types.ts';

export interface DcpMethod {
  readonly tag: string;
  readonly className: string;
  readonly name: string;
  readonly args: readonly DcpArg[];
  /** undefined = void. */
  readonly ret: DcpType | undefined;
  readonly inLen: number;
  readonly outLen: number;
  /** 'A' = the AP calls the DCP; 'D' = a DCP callback to the AP (§7.4). */
  readonly direction: 'ap-call' | 'dcp-callback';
}

type Row = readonly [tag: string, cls: string, name: string, args: string, ret: string, inLen: number, outLen: number];

const UPP = 'UPPipeAP_H13P';
const UP2 = 'UPPipe2';
const UNI = 'UnifiedPipeline2';
const IOMFB = 'IOMobileFramebufferAP';
const SR = 'ServiceRelay';

// prettier-ignore
const ROWS: readonly Row[] = [
  ['A000', UPP, 'late_init_signal', '', 'bool', 0x0, 0x4],
  ['A029', UPP, 'setup_video_limits', '', 'void', 0x0, 0x0],
  ['A034', UPP, 'update_notify_clients_dcp', 'arg0: u32[13]', 'void', 0x34, 0x0],
  ['A036', UPP, 'apt_supported', '', 'bool', 0x0, 0x4],
  ['A103', UP2, 'test_control', 'cmd: u64, arg: u32', 'u64', 0xc, 0x8],
  ['A131', UP2, 'pmu_service_matched', '', 'bool', 0x0, 0x4],
  ['A357', UNI, 'set_create_DFB', '', 'void', 0x0, 0x0],
  ['A358', UNI, 'vi_set_temperature_hint', '', 'u32', 0x0, 0x4],
  ['A401', IOMFB, 'start_signal', '', 'u32', 0x0, 0x4],
  ['A407', IOMFB, 'swap_start', 'swap_id: inout* u32, client: inout* IOUserClient', 'u32', 0x18, 0x18],
  ['A408', IOMFB, 'swap_submit_dcp', 'swap_rec: in* IOMFBSwapRec, surfaces: (in* IOSurface)[4], surfAddr: u64[4], unkBool: bool, unkFloat: f64, unkInt: u32, unkOutBool: out* bool', 'u32', 0xb64, 0x8],
  ['A410', IOMFB, 'set_display_device', 'arg0: u32', 'u32', 0x4, 0x4],
  ['A411', IOMFB, 'is_main_display', '', 'bool', 0x0, 0x4],
  ['A412', IOMFB, 'set_digital_out_mode', 'arg0: u32, arg1: u32', 'u32', 0x8, 0x4],
  ['A419', IOMFB, 'get_gamma_table', 'arg0: inout* bytes[0xc0c]', 'u32', 0xc10, 0xc10],
  ['A422', IOMFB, 'set_matrix', 'arg0: u32, arg1: in* u64[3][3]', 'u32', 0x50, 0x4],
  ['A423', IOMFB, 'set_contrast', 'arg0: inout* f32', 'u32', 0x8, 0x8],
  ['A426', IOMFB, 'get_color_remap_mode', 'arg0: inout* u32', 'u32', 0x8, 0x8],
  ['A427', IOMFB, 'setBrightnessCorrection', 'arg0: u32', 'u32', 0x4, 0x4],
  ['A435', IOMFB, 'set_block_dcp', 'arg1: u64, arg2: u32, arg3: u32, arg4: u64[8], arg5: u32, data: bytes[0x1000], length: u64', 'u32', 0x105c, 0x4],
  ['A438', IOMFB, 'swap_set_color_matrix', 'matrix: inout* u64[5][3], func: u32, unk: u32', 'u32', 0x84, 0x7c],
  ['A439', IOMFB, 'set_parameter_dcp', 'param: u32, value: u64[4], count: u32', 'u32', 0x28, 0x4],
  ['A440', IOMFB, 'display_width', '', 'u32', 0x0, 0x4],
  ['A441', IOMFB, 'display_height', '', 'u32', 0x0, 0x4],
  ['A442', IOMFB, 'get_display_size', 'arg0: out* u32, arg1: out* u32', 'void', 0x4, 0x8],
  ['A443', IOMFB, 'do_create_default_frame_buffer', '', 'i32', 0x0, 0x4],
  ['A444', IOMFB, 'printRegs', '', 'void', 0x0, 0x0],
  ['A447', IOMFB, 'enable_disable_video_power_savings', 'arg0: u32', 'i32', 0x4, 0x4],
  ['A454', IOMFB, 'first_client_open', '', 'void', 0x0, 0x0],
  ['A456', IOMFB, 'writeDebugInfo', 'arg0: u64', 'bool', 0x8, 0x4],
  ['A458', IOMFB, 'io_fence_notify', 'arg0: u32, arg1: u32, arg2: u64, arg3: u32', 'bool', 0x14, 0x4],
  ['A460', IOMFB, 'setDisplayRefreshProperties', '', 'bool', 0x0, 0x4],
  ['A463', IOMFB, 'flush_supportsPower', 'arg0: bool', 'void', 0x4, 0x0],
  ['A468', IOMFB, 'setPowerState', 'arg0: u64, arg1: bool, arg2: out* u32', 'u32', 0xc, 0x8],
  ['A469', IOMFB, 'isKeepOnScreen', '', 'bool', 0x0, 0x4],
  ['D000', UPP, 'did_boot_signal', '', 'bool', 0x0, 0x4],
  ['D001', UPP, 'did_power_on_signal', '', 'bool', 0x0, 0x4],
  ['D002', UPP, 'will_power_off_signal', '', 'void', 0x0, 0x0],
  ['D003', UPP, 'rt_bandwidth_setup_ap', 'config: out* rt_bw_config', 'void', 0x4, 0x3c],
  ['D100', UNI, 'match_pmu_service', '', 'void', 0x0, 0x0],
  ['D101', UNI, 'UNK_get_some_field', '', 'u32', 0x0, 0x4],
  ['D103', UNI, 'set_boolean_property', 'key: char[0x40], value: bool', 'void', 0x44, 0x0],
  ['D106', UNI, 'removeProperty', 'key: char[0x40]', 'void', 0x40, 0x0],
  ['D107', UNI, 'create_provider_service', '', 'bool', 0x0, 0x4],
  ['D108', UNI, 'create_product_service', '', 'bool', 0x0, 0x4],
  ['D109', UNI, 'create_PMU_service', '', 'bool', 0x0, 0x4],
  ['D110', UNI, 'create_iomfb_service', '', 'bool', 0x0, 0x4],
  ['D111', UNI, 'create_backlight_service', '', 'bool', 0x0, 0x4],
  ['D116', UNI, 'start_hardware_boot', '', 'bool', 0x0, 0x4],
  ['D118', UNI, 'is_waking_from_hibernate', '', 'bool', 0x0, 0x4],
  ['D120', UNI, 'read_edt_data', 'key: char[0x40], count: u32, value: inout u32[8]', 'bool', 0x64, 0x24],
  ['D122', UNI, 'setDCPAVPropStart', 'length: u32', 'bool', 0x4, 0x4],
  ['D123', UNI, 'setDCPAVPropChunk', 'data: bytes[0x1000], offset: u32, length: u32', 'bool', 0x1008, 0x4],
  ['D124', UNI, 'setDCPAVPropEnd', 'key: char[0x40]', 'bool', 0x40, 0x4],
  ['D201', UP2, 'map_buf', 'arg0: in* u64, arg1: out* u64, arg2: out* u64, arg3: bool', 'u32', 0xc, 0x14],
  ['D206', UP2, 'match_pmu_service_2', '', 'bool', 0x0, 0x4],
  ['D207', UP2, 'match_backlight_service', '', 'bool', 0x0, 0x4],
  ['D208', UP2, 'get_calendar_time_ms', '', 'u64', 0x0, 0x8],
  ['D300', 'PropRelay', 'pr_publish', 'prop_id: u32, value: i32', 'void', 0x8, 0x0],
  ['D401', SR, 'sr_get_uint_prop', 'obj: fourcc, key: char[0x40], value: inout* u64', 'bool', 0x50, 0xc],
  ['D408', SR, 'sr_getClockFrequency', 'obj: fourcc, arg: u32', 'u64', 0x8, 0x8],
  ['D411', SR, 'sr_mapDeviceMemoryWithIndex', 'obj: fourcc, index: u32, flags: u32, addr: out* u64, length: out* u64', 'u32', 0x10, 0x14],
  ['D413', SR, 'sr_setProperty_dict', 'obj: fourcc, key: char[0x40], value: in* dict1[0x1000]', 'bool', 0x1048, 0x4],
  ['D414', SR, 'sr_setProperty_int', 'obj: fourcc, key: char[0x40], value: in* u64', 'bool', 0x50, 0x4],
  ['D415', SR, 'sr_setProperty_bool', 'obj: fourcc, key: char[0x40], value: in* bool32', 'bool', 0x4c, 0x4],
  ['D451', 'MemDescRelay', 'allocate_buffer', 'arg0: u32, arg1: u64, arg2: u32, arg3: out* u64, arg4: out* u64, arg5: out* u64', 'u32', 0x14, 0x1c],
  ['D452', 'MemDescRelay', 'map_physical', 'paddr: u64, size: u64, flags: u32, dva: out* u64, dvasize: out* u64', 'u32', 0x18, 0x14],
  ['D552', IOMFB, 'setProperty_dict', 'key: char[0x40], value: in* dict1[0x1000]', 'bool', 0x1044, 0x4],
  ['D561', IOMFB, 'setProperty_dict', 'key: char[0x40], value: in* dict1[0x1000]', 'bool', 0x1044, 0x4],
  ['D563', IOMFB, 'setProperty_int', 'key: char[0x40], value: in* u64', 'bool', 0x4c, 0x4],
  ['D565', IOMFB, 'setProperty_bool', 'key: char[0x40], value: in* bool32', 'bool', 0x48, 0x4],
  ['D567', IOMFB, 'setProperty_str', 'key: char[0x40], value: char[0x40]', 'bool', 0x80, 0x4],
  ['D574', IOMFB, 'powerUpDART', 'arg0: bool', 'u32', 0x4, 0x4],
  ['D576', IOMFB, 'hotPlug_notify_gated', 'arg0: u64', 'void', 0x8, 0x0],
  ['D577', IOMFB, 'powerstate_notify', 'arg0: bool, arg1: bool', 'void', 0x4, 0x0],
  ['D583', IOMFB, 'serializeDebugInfoCb', 'arg0: u64, arg1: in* u64, arg2: u32', 'bool', 0x18, 0x4],
  ['D589', IOMFB, 'swap_complete_ap_gated', 'arg0: u32, arg1: bool, arg2: in* bytes[0x12], arg3: bytes[0x680], arg4: u32', 'void', 0x69c, 0x0],
  ['D591', IOMFB, 'swap_complete_intent_gated', 'arg0: u32, arg1: bool, arg2: u32, arg3: u32, arg4: u32', 'void', 0x14, 0x0],
  ['D598', IOMFB, 'find_swap_function_gated', '', 'void', 0x0, 0x0],
];

function build(row: Row): DcpMethod {
  const [tag, className, name, args, ret, inLen, outLen] = row;
  if (!/^[AD]\d{3}$/.test(tag)) throw new DcpCodecError('DCP_METHOD_TABLE', `bad tag ${tag}`);
  return {
    tag,
    className,
    name,
    args: parseArgs(args),
    ret: ret === 'void' ? undefined : parseType(ret),
    inLen,
    outLen,
    direction: tag.startsWith('A') ? 'ap-call' : 'dcp-callback',
  };
}

/** The seed-era method table (firmware 12.x), in tag order. */
export const DCP_METHODS_2021: readonly DcpMethod[] = ROWS.map(build);

const BY_TAG = new Map(DCP_METHODS_2021.map((m) => [m.tag, m]));

export function findDcpMethod(tag: string): DcpMethod | undefined {
  return BY_TAG.get(tag);
}
