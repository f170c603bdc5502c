// Layer: gdbstub. Where gdb should look for a guest's sources. A reproducible build records its
// compilation directory as a fixed prefix (the demo guest: /hvdbg/examples/guest, through
// -ffile-prefix-map), which does not exist on the user's machine, so gdb finds no source for
// `list` or a stop's line. When a unit's directory is missing here but its source (the unit's
// name, relative) is found in a folder at or above the ELF's, that folder goes on gdb's command
// line as `-ex 'directory …'`. Imports core/formats and node:fs/node:path.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { dwarfSectionsFromElf, readCompileUnits } from '../core/formats/dwarf/index.ts';
import { ElfFile } from '../core/formats/elf/index.ts';

/** How far above the ELF's folder to look (build/ or out/ usually sits one below the sources). */
const LEVELS_UP = 3;

/** Folders to give gdb's `directory` for the sources of the ELF at `elfPath` (none when it finds them itself). */
export function sourceDirectories(elfPath: string): string[] {
  let units;
  try {
    const sections = dwarfSectionsFromElf(ElfFile.parse(new Uint8Array(readFileSync(elfPath))));
    units = sections ? readCompileUnits(sections) : [];
  } catch {
    return []; // not an ELF, or no readable DWARF: gdb will say what it lacks
  }
  const dirs = new Set<string>();
  for (const u of units) {
    if (!u.name || isAbsolute(u.name) || !u.compDir || existsSync(join(u.compDir, u.name))) continue;
    let dir = resolve(dirname(elfPath));
    for (let up = 0; up <= LEVELS_UP; up++, dir = dirname(dir)) {
      if (existsSync(join(dir, u.name))) {
        dirs.add(dir);
        break;
      }
    }
  }
  return [...dirs];
}
