import type { MessageCodec } from '../registry.js';
import { codecs as asyncConfig } from './async-config.js';
import { codecs as basic } from './basic.js';
import { codecs as errorMsg } from './error-msg.js';
import { codecs as experimenter } from './experimenter.js';
import { codecs as features } from './features.js';
import { codecs as flowMod } from './flow-mod.js';
import { codecs as flowRemoved } from './flow-removed.js';
import { codecs as groupMod } from './group-mod.js';
import { codecs as meterMod } from './meter-mod.js';
import { codecs as multipart } from './multipart.js';
import { codecs as packetIn } from './packet-in.js';
import { codecs as packetOut } from './packet-out.js';
import { codecs as portMod } from './port-mod.js';
import { codecs as portStatus } from './port-status.js';
import { codecs as queueConfig } from './queue-config.js';
import { codecs as role } from './role.js';
import { codecs as switchConfig } from './switch-config.js';
import { codecs as tableMod } from './table-mod.js';

/**
 * Every message codec. Each messages/*.ts module exports `codecs`; list it here once.
 * The registry check in codec.ts rejects a type registered twice.
 */
export const allCodecs: readonly MessageCodec<any>[] = [
  ...basic,
  ...errorMsg,
  ...experimenter,
  ...features,
  ...switchConfig,
  ...packetIn,
  ...flowRemoved,
  ...portStatus,
  ...packetOut,
  ...flowMod,
  ...groupMod,
  ...portMod,
  ...tableMod,
  ...queueConfig,
  ...role,
  ...asyncConfig,
  ...meterMod,
  ...multipart,
];
