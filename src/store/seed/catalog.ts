/**
 * Part families for the demo catalogue: each `make` draws one realistic part (name, description,
 * category, manufacturer part numbers, typical BOM quantity). Names repeat across a large catalogue,
 * as they do in real item masters; item numbers never do.
 */
import type { Rng } from './random.js';
import { round } from './random.js';

export type FamilyKey =
  | 'resistor' | 'capacitor' | 'inductor' | 'ic' | 'connector' | 'diode' | 'transistor' | 'crystal' | 'wire'
  | 'fastener' | 'custom' | 'label' | 'consumable' | 'pcb';

export type QtyKind = 'passive' | 'ic' | 'connector' | 'fastener' | 'one' | 'length' | 'volume' | 'mass';

export interface MfrRef {
  /** supplier key, see suppliers.ts */
  supplier: string;
  mpn: string;
  /** datasheet shared by the series, e.g. `Yageo RC Series Thick Film Chip Resistors` */
  series: string;
}

export interface PartDraft {
  family: FamilyKey;
  /** parts with the same key can substitute each other on a BOM line */
  subKey: string;
  electrical: boolean;
  name: string;
  description: string;
  category: string;
  uom: string;
  procurement: 'OTS' | 'MTS';
  refPrefix: string | null;
  mount: string | null;
  tolerance: string | null;
  weightG: number;
  cost: number;
  mfrs: MfrRef[];
  /** a distributor catalogue number when the part is bought without a manufacturer part number */
  vendorOnly: string | null;
  /** drawn in house and made by a shop (sourced with our own number) */
  custom: boolean;
  /** finishing process, sourced from the finishing house */
  finish: string | null;
  qty: QtyKind;
  /** distributor unit when it differs from ours (wire sold per foot) */
  vendorUom: { uom: string; factor: number } | null;
}

const E24 = [1.0, 1.1, 1.2, 1.3, 1.5, 1.6, 1.8, 2.0, 2.2, 2.4, 2.7, 3.0, 3.3, 3.6, 3.9, 4.3, 4.7, 5.1, 5.6, 6.2, 6.8, 7.5, 8.2, 9.1];
const E96 = [
  1.0, 1.02, 1.05, 1.07, 1.1, 1.13, 1.15, 1.18, 1.21, 1.24, 1.27, 1.3, 1.33, 1.37, 1.4, 1.43, 1.47, 1.5, 1.54, 1.58, 1.62,
  1.65, 1.69, 1.74, 1.78, 1.82, 1.87, 1.91, 1.96, 2.0, 2.05, 2.1, 2.15, 2.21, 2.26, 2.32, 2.37, 2.43, 2.49, 2.55, 2.61, 2.67,
  2.74, 2.8, 2.87, 2.94, 3.01, 3.09, 3.16, 3.24, 3.32, 3.4, 3.48, 3.57, 3.65, 3.74, 3.83, 3.92, 4.02, 4.12, 4.22, 4.32, 4.42,
  4.53, 4.64, 4.75, 4.87, 4.99, 5.11, 5.23, 5.36, 5.49, 5.62, 5.76, 5.9, 6.04, 6.19, 6.34, 6.49, 6.65, 6.81, 6.98, 7.15,
  7.32, 7.5, 7.68, 7.87, 8.06, 8.25, 8.45, 8.66, 8.87, 9.09, 9.31, 9.53, 9.76,
];

/** 3 significant digits without trailing zeros: 4.99, 10, 2.2 */
function sig(x: number): string {
  return String(Number(x.toPrecision(3)));
}

/** Resistance as on a name: 0, 49.9, 4.99k, 10k, 1M */
function ohms(v: number): string {
  if (v === 0) return '0';
  if (v >= 1e6) return `${sig(v / 1e6)}M`;
  if (v >= 1e3) return `${sig(v / 1e3)}k`;
  return sig(v);
}

/** RKM code as in part numbers: 10K, 4K99, 49R9, 1M, 0R */
function rkm(v: number): string {
  const s = ohms(v);
  if (s === '0') return '0R';
  const unit = s.endsWith('k') ? 'K' : s.endsWith('M') ? 'M' : 'R';
  const num = unit === 'R' ? s : s.slice(0, -1);
  return num.includes('.') ? num.replace('.', unit) : `${num}${unit}`;
}

const R_PACKAGES = [['0201', 4], ['0402', 30], ['0603', 40], ['0805', 18], ['1206', 8]] as const;
const R_POWER: Record<string, string> = { '0201': '1/20W', '0402': '1/16W', '0603': '1/10W', '0805': '1/8W', '1206': '1/4W' };
const R_WEIGHT: Record<string, number> = { '0201': 0.00015, '0402': 0.0006, '0603': 0.002, '0805': 0.005, '1206': 0.01 };

function resistor(rng: Rng): PartDraft {
  const pkg = rng.weighted(R_PACKAGES);
  const jumper = rng.chance(0.03);
  const tol = jumper ? 'Jumper' : rng.weighted([['1%', 70], ['5%', 22], ['0.1%', 8]] as const);
  const series = tol === '1%' || tol === '0.1%' ? E96 : E24;
  const decade = rng.weighted([[0, 3], [1, 18], [2, 18], [3, 22], [4, 22], [5, 12], [6, 5]] as const);
  const value = jumper ? 0 : round(rng.pick(series) * 10 ** decade, 4);
  const tolCode = tol === '1%' ? 'F' : tol === '0.1%' ? 'B' : 'J';
  const code = rkm(value);
  const cands: MfrRef[] = [
    { supplier: 'yageo', mpn: `RC${pkg}${tolCode}R-07${code}L`, series: 'Yageo RC Series Thick Film Chip Resistors' },
    { supplier: 'vishay', mpn: `CRCW${pkg}${code}${tolCode}KEA`, series: 'Vishay CRCW-e3 Thick Film Chip Resistors' },
    { supplier: 'panasonic', mpn: `ERJ-${pkg === '0402' ? '2' : pkg === '0603' ? '3' : pkg === '0805' ? '6' : '8'}EK${tolCode}${code}X`, series: 'Panasonic ERJ Thick Film Chip Resistors' },
    { supplier: 'koa', mpn: `RK73H${pkg === '0402' ? '1E' : pkg === '0603' ? '1J' : '2A'}T${code}${tolCode}`, series: 'KOA Speer RK73H Chip Resistors' },
  ];
  const name = jumper ? `Resistor 0 ${pkg} Jumper` : `Resistor ${ohms(value)} ${pkg} ${tol}`;
  return {
    family: 'resistor', subKey: `R|${pkg}|${value}`, electrical: true, name,
    description: `RES SMD ${ohms(value).toUpperCase()} OHM ${jumper ? 'JUMPER' : tol} ${R_POWER[pkg]} ${pkg}`,
    category: 'Item\\Part\\Electrical\\Resistor', uom: 'each', procurement: 'OTS', refPrefix: 'R', mount: 'SMT',
    tolerance: jumper ? null : tol, weightG: R_WEIGHT[pkg], cost: round(rng.real(0.001, 0.012, 4) * (tol === '0.1%' ? 8 : 1), 4),
    mfrs: sources(rng, cands), vendorOnly: null, custom: false, finish: null, qty: 'passive', vendorUom: null,
  };
}

const C_VALUES_PF = [10, 22, 47, 100, 220, 470, 1e3, 2.2e3, 4.7e3, 1e4, 2.2e4, 4.7e4, 1e5, 2.2e5, 4.7e5, 1e6, 2.2e6, 4.7e6, 1e7, 2.2e7, 4.7e7, 1e8];
const C_WEIGHTS = [3, 4, 3, 6, 3, 3, 6, 3, 4, 8, 3, 3, 30, 4, 4, 14, 4, 8, 12, 5, 2, 2];

function farads(pf: number): string {
  if (pf >= 1e6) return `${sig(pf / 1e6)}uF`;
  if (pf >= 1e3) return `${sig(pf / 1e3)}nF`;
  return `${sig(pf)}pF`;
}

/** EIA capacitance code in pF: 104 = 100 nF */
function capCode(pf: number): string {
  const e = Math.floor(Math.log10(pf)) - 1;
  return `${Math.round(pf / 10 ** e)}${e}`;
}

function capacitor(rng: Rng): PartDraft {
  const i = rng.weighted(C_VALUES_PF.map((v, k) => [k, C_WEIGHTS[k]] as const));
  const pf = C_VALUES_PF[i];
  const diel = pf <= 1e3 ? 'C0G' : pf <= 1e6 ? 'X7R' : 'X5R';
  const pkg = rng.weighted(pf >= 1e7 ? ([['0805', 50], ['1206', 50]] as const) : ([['0402', 45], ['0603', 35], ['0805', 15], ['1206', 5]] as const));
  const volts = rng.pick(pf >= 1e7 ? ['6.3V', '10V', '16V'] : pf >= 1e6 ? ['10V', '16V', '25V', '50V'] : ['16V', '25V', '50V', '100V']);
  const tol = diel === 'C0G' ? '5%' : diel === 'X7R' ? '10%' : '20%';
  const tolCode = tol === '5%' ? 'J' : tol === '10%' ? 'K' : 'M';
  const vCode: Record<string, string> = { '6.3V': '0J', '10V': '1A', '16V': '1C', '25V': '1E', '50V': '1H', '100V': '2A' };
  const mPkg: Record<string, string> = { '0402': '155', '0603': '188', '0805': '21B', '1206': '31M' };
  const sPkg: Record<string, string> = { '0402': '05', '0603': '10', '0805': '21', '1206': '31' };
  const code = capCode(pf);
  const cands: MfrRef[] = [
    { supplier: 'murata', mpn: `GRM${mPkg[pkg]}${diel === 'C0G' ? '5C' : diel === 'X7R' ? 'R7' : 'R6'}${vCode[volts]}${code}${tolCode}A01D`, series: 'Murata GRM Series Chip Multilayer Ceramic Capacitors' },
    { supplier: 'samsung', mpn: `CL${sPkg[pkg]}${diel === 'C0G' ? 'C' : diel === 'X7R' ? 'B' : 'A'}${code}${tolCode}${volts === '6.3V' ? 'Q' : volts === '10V' ? 'P' : volts === '16V' ? 'O' : volts === '25V' ? 'A' : 'B'}8NNNC`, series: 'Samsung CL Series MLCC' },
    { supplier: 'kemet', mpn: `C${pkg}C${code}${tolCode}${volts === '6.3V' ? '9' : volts === '10V' ? '8' : volts === '16V' ? '4' : volts === '25V' ? '3' : '5'}${diel === 'C0G' ? 'GAC' : 'RAC'}TU`, series: 'KEMET SMD Comm C0G/X7R/X5R Ceramic Capacitors' },
    { supplier: 'tdk', mpn: `C${pkg === '0402' ? '1005' : pkg === '0603' ? '1608' : pkg === '0805' ? '2012' : '3216'}${diel}${vCode[volts]}${code}${tolCode}`, series: 'TDK C Series Commercial Grade MLCC' },
  ];
  return {
    family: 'capacitor', subKey: `C|${pkg}|${pf}|${diel}`, electrical: true, name: `Capacitor ${farads(pf)} ${pkg} ${diel}`,
    description: `CAP CER ${farads(pf).toUpperCase()} ${volts} ${diel} ${pkg}`, category: 'Item\\Part\\Electrical\\Capacitor',
    uom: 'each', procurement: 'OTS', refPrefix: 'C', mount: 'SMT', tolerance: tol, weightG: round(R_WEIGHT[pkg] * 2.5, 5),
    cost: rng.real(0.002, pf >= 1e7 ? 0.3 : 0.03, 4), mfrs: sources(rng, cands), vendorOnly: null, custom: false, finish: null,
    qty: 'passive', vendorUom: null,
  };
}

function inductor(rng: Rng): PartDraft {
  const uh = rng.pick([0.47, 1, 1.5, 2.2, 3.3, 4.7, 6.8, 10, 15, 22, 33, 47, 100]);
  const size = rng.pick(['4x4mm', '5x5mm', '6x6mm', '1210']);
  const amps = round(Math.max(0.3, 9 / Math.sqrt(uh) * (size === '1210' ? 0.4 : 1)), 1);
  const nh = capCode(uh * 1000);
  const cands: MfrRef[] = [
    { supplier: 'coilcraft', mpn: `XAL${size === '4x4mm' ? '4020' : size === '5x5mm' ? '5030' : size === '6x6mm' ? '6060' : '1210'}-${nh}MEB`, series: 'Coilcraft XAL Shielded Power Inductors' },
    { supplier: 'wurth', mpn: `7443${size === '4x4mm' ? '40' : size === '5x5mm' ? '55' : '63'}0${nh}`, series: 'Wurth WE-PD Shielded Power Inductors' },
    { supplier: 'bourns', mpn: `SRR${size === '4x4mm' ? '4028' : size === '5x5mm' ? '5028' : '6028'}-${String(uh).replace('.', 'R')}Y`, series: 'Bourns SRR Series Shielded Power Inductors' },
  ];
  return {
    family: 'inductor', subKey: `L|${uh}|${size}`, electrical: true, name: `Inductor ${uh}uH ${amps}A ${size}`,
    description: `FIXED IND ${uh}UH ${amps}A SHIELDED SMD ${size}`, category: 'Item\\Part\\Electrical\\Inductor', uom: 'each',
    procurement: 'OTS', refPrefix: 'L', mount: 'SMT', tolerance: '20%', weightG: size === '1210' ? 0.05 : 0.35,
    cost: rng.real(0.12, 0.9, 3), mfrs: sources(rng, cands), vendorOnly: null, custom: false, finish: null, qty: 'ic', vendorUom: null,
  };
}

/** [manufacturer, part number, name, description, package, grams, unit cost] */
const ICS: ReadonlyArray<readonly [string, string, string, string, string, number, number]> = [
  ['st', 'STM32F405RGT6', 'IC MCU ARM Cortex-M4 1MB Flash', 'IC MCU 32BIT 1MB FLASH 64LQFP', 'LQFP-64', 0.35, 9.8],
  ['st', 'STM32G031K8T6', 'IC MCU ARM Cortex-M0+ 64KB Flash', 'IC MCU 32BIT 64KB FLASH 32LQFP', 'LQFP-32', 0.18, 1.9],
  ['st', 'STM32H743ZIT6', 'IC MCU ARM Cortex-M7 2MB Flash', 'IC MCU 32BIT 2MB FLASH 144LQFP', 'LQFP-144', 1.2, 14.5],
  ['microchip', 'ATSAMD21G18A-AU', 'IC MCU ARM Cortex-M0+ 256KB Flash', 'IC MCU 32BIT 256KB FLASH 48TQFP', 'TQFP-48', 0.2, 3.9],
  ['microchip', 'PIC16F1459-I/SS', 'IC MCU 8-bit 14KB Flash USB', 'IC MCU 8BIT 14KB FLASH 20SSOP', 'SSOP-20', 0.15, 1.6],
  ['microchip', '24LC256-I/SN', 'IC EEPROM 256Kbit I2C', 'IC EEPROM 256KBIT I2C 400KHZ 8SOIC', 'SOIC-8', 0.08, 0.55],
  ['microchip', 'MCP2551-I/SN', 'IC CAN Transceiver 1Mbps', 'IC TRANSCEIVER HALF 1/1 8SOIC', 'SOIC-8', 0.08, 1.1],
  ['nxp', 'LPC55S69JBD100', 'IC MCU ARM Cortex-M33 640KB Flash', 'IC MCU 32BIT 640KB FLASH 100HLQFP', 'HLQFP-100', 0.6, 7.2],
  ['nxp', 'PCA9555PW,118', 'IC I/O Expander 16-bit I2C', 'IC I/O EXPANDER I2C 16B 24TSSOP', 'TSSOP-24', 0.09, 1.2],
  ['nordic', 'NRF52840-QIAA-R', 'IC RF SoC Bluetooth 5 Cortex-M4F', 'IC RF TXRX+MCU BLUETOOTH 73AQFN', 'aQFN-73', 0.1, 5.9],
  ['ti', 'TPS62130RGTR', 'IC Buck Regulator 3A Adjustable', 'IC REG BUCK ADJ 3A 16VQFN', 'VQFN-16', 0.03, 2.1],
  ['ti', 'TPS54331DR', 'IC Buck Regulator 3A 28V', 'IC REG BUCK ADJUSTABLE 3A 8SOIC', 'SOIC-8', 0.08, 1.4],
  ['ti', 'OPA2333AIDR', 'IC Op Amp Dual Zero-Drift', 'IC CMOS 2 CIRCUIT 8SOIC', 'SOIC-8', 0.08, 2.6],
  ['ti', 'LMV358IDGKR', 'IC Op Amp Dual Low-Voltage', 'IC GP 2 CIRCUIT 8VSSOP', 'VSSOP-8', 0.03, 0.35],
  ['ti', 'INA219AIDCNR', 'IC Current Monitor I2C', 'IC CURRENT MONITOR 1% SOT23-8', 'SOT-23-8', 0.02, 1.8],
  ['ti', 'TCA9548APWR', 'IC I2C Multiplexer 8-Channel', 'IC I2C SWITCH 8CH 24TSSOP', 'TSSOP-24', 0.09, 1.3],
  ['ti', 'TXB0108PWR', 'IC Level Translator 8-bit', 'IC TRNSLTR BIDIRECTIONAL 20TSSOP', 'TSSOP-20', 0.08, 1.1],
  ['ti', 'DRV8837DSGR', 'IC Motor Driver H-Bridge 1.8A', 'IC MTR DRV BIPLR 0-11V 8WSON', 'WSON-8', 0.01, 0.9],
  ['ti', 'BQ24075RGTR', 'IC Li-Ion Charger 1.5A Power Path', 'IC BATT CHG LI-ION 1CELL 16VQFN', 'VQFN-16', 0.03, 2.3],
  ['ti', 'SN65HVD230DR', 'IC CAN Transceiver 3.3V', 'IC TRANSCEIVER HALF 1/1 8SOIC', 'SOIC-8', 0.08, 1.5],
  ['ti', 'ADS1115IDGSR', 'IC ADC 16-bit 4-Channel I2C', 'IC ADC 16BIT SIGMA-DELTA 10VSSOP', 'VSSOP-10', 0.03, 3.4],
  ['ti', 'TPD4E05U06DQAR', 'IC ESD Protection 4-Channel', 'TVS DIODE 5.5VWM 10USON', 'USON-10', 0.01, 0.4],
  ['adi', 'ADUM1201ARZ', 'IC Digital Isolator 2-Channel', 'DGTL ISO 2.5KV 2CH GEN PURP 8SOIC', 'SOIC-8', 0.08, 2.9],
  ['adi', 'AD8606ARZ', 'IC Op Amp Dual Precision CMOS', 'IC CMOS 2 CIRCUIT 8SOIC', 'SOIC-8', 0.08, 3.1],
  ['adi', 'LTC3588EMSE-1', 'IC Energy Harvesting Power Supply', 'IC REG BUCK PROG 100MA 10MSOP', 'MSOP-10', 0.03, 5.4],
  ['adi', 'MAX3232ECAE+', 'IC RS-232 Transceiver 2/2', 'IC TRANSCEIVER FULL 2/2 16SSOP', 'SSOP-16', 0.12, 2.7],
  ['onsemi', 'NCP1117ST33T3G', 'IC LDO Regulator 3.3V 1A', 'IC REG LINEAR 3.3V 1A SOT223', 'SOT-223', 0.12, 0.45],
  ['onsemi', 'FUSB302BMPX', 'IC USB Type-C Controller', 'IC USB TYPE-C CTLR 14MLP', 'MLP-14', 0.01, 1.4],
  ['infineon', 'IR2104STRPBF', 'IC Half-Bridge Gate Driver 600V', 'IC GATE DRVR HALF-BRIDGE 8SOIC', 'SOIC-8', 0.08, 1.9],
  ['infineon', 'TLE4905L', 'IC Hall Effect Switch Unipolar', 'MAGNETIC SWITCH UNIPOLAR SSO-3', 'SSO-3', 0.1, 1.2],
  ['diodes', 'AP2112K-3.3TRG1', 'IC LDO Regulator 3.3V 600mA', 'IC REG LINEAR 3.3V 600MA SOT25', 'SOT-23-5', 0.01, 0.25],
  ['diodes', 'AP63203WU-7', 'IC Buck Regulator 3.3V 2A', 'IC REG BUCK 3.3V 2A TSOT26', 'TSOT-26', 0.02, 0.6],
  ['st', 'USBLC6-2SC6', 'IC ESD Protection USB 2-Line', 'TVS DIODE 5.25VWM 17VC SOT23-6', 'SOT-23-6', 0.01, 0.3],
  ['st', 'LD1117S33TR', 'IC LDO Regulator 3.3V 800mA', 'IC REG LINEAR 3.3V 800MA SOT223', 'SOT-223', 0.12, 0.4],
];

const LOGIC = ['00', '02', '04', '08', '14', '17', '32', '86', '125', '126', '157', '3157', '34', '07', '97', '98'];
const LOGIC_FN: Record<string, string> = {
  '00': 'NAND', '02': 'NOR', '04': 'Inverter', '08': 'AND', '14': 'Schmitt Inverter', '17': 'Schmitt Buffer', '32': 'OR',
  '86': 'XOR', '125': 'Buffer 3-State', '126': 'Buffer 3-State', '157': '2:1 Mux', '3157': 'Analog Switch', '34': 'Buffer',
  '07': 'Buffer Open Drain', '97': 'Configurable', '98': 'Configurable',
};

function ic(rng: Rng): PartDraft {
  if (rng.chance(0.4)) {
    const fn = rng.pick(LOGIC);
    const ti = rng.chance(0.6);
    const pkg = rng.pick(['SOT-23-5', 'SC-70-5']);
    const mpn = ti ? `SN74LVC1G${fn}${pkg === 'SOT-23-5' ? 'DBVR' : 'DCKR'}` : `74LVC1G${fn}${pkg === 'SOT-23-5' ? 'GV,125' : 'GW,125'}`;
    return {
      family: 'ic', subKey: `U|74LVC1G${fn}|${pkg}`, electrical: true, name: `IC Logic ${LOGIC_FN[fn]} 74LVC1G${fn} ${pkg}`,
      description: `IC 1CH ${LOGIC_FN[fn].toUpperCase()} ${pkg}`, category: 'Item\\Part\\Electrical\\Integrated Circuit', uom: 'each',
      procurement: 'OTS', refPrefix: 'U', mount: 'SMT', tolerance: null, weightG: 0.01, cost: rng.real(0.08, 0.3, 3),
      mfrs: [{ supplier: ti ? 'ti' : 'nexperia', mpn, series: ti ? 'TI Little Logic SN74LVC1G' : 'Nexperia 74LVC1G Single Gates' }],
      vendorOnly: null, custom: false, finish: null, qty: 'ic', vendorUom: null,
    };
  }
  const [sup, mpn, name, desc, pkg, grams, cost] = rng.pick(ICS);
  return {
    family: 'ic', subKey: `U|${mpn}`, electrical: true, name: `${name} ${pkg}`, description: desc,
    category: 'Item\\Part\\Electrical\\Integrated Circuit', uom: 'each', procurement: 'OTS', refPrefix: 'U', mount: 'SMT',
    tolerance: null, weightG: grams, cost, mfrs: [{ supplier: sup, mpn, series: `${mpn} Datasheet` }], vendorOnly: null,
    custom: false, finish: null, qty: 'ic', vendorUom: null,
  };
}

function connector(rng: Rng): PartDraft {
  const kind = rng.weighted([['header', 35], ['jst', 25], ['microfit', 20], ['usbc', 10], ['rj45', 5], ['sma', 5]] as const);
  const base = { family: 'connector' as const, electrical: true, category: 'Item\\Part\\Electrical\\Connector', uom: 'each', procurement: 'OTS' as const, refPrefix: 'J', tolerance: null, vendorOnly: null, custom: false, finish: null, qty: 'connector' as const, vendorUom: null };
  switch (kind) {
    case 'header': {
      const pins = rng.int(2, 40);
      const rows = pins > 10 && rng.chance(0.5) ? 2 : 1;
      return { ...base, subKey: `J|hdr|${pins}|${rows}`, name: `Connector Header 2.54mm ${rows}x${Math.ceil(pins / rows)} Vertical`, description: `CONN HEADER VERT ${Math.ceil(pins / rows) * rows}POS 2.54MM`, mount: 'Through-Hole', weightG: round(0.15 * pins, 2), cost: round(0.04 * pins, 2), mfrs: [{ supplier: 'samtec', mpn: `TSW-1${String(Math.ceil(pins / rows)).padStart(2, '0')}-07-G-${rows === 1 ? 'S' : 'D'}`, series: 'Samtec TSW Series Terminal Strips' }] };
    }
    case 'jst': {
      const pins = rng.int(2, 8);
      return { ...base, subKey: `J|ph|${pins}`, name: `Connector JST PH ${pins}-pin Right Angle`, description: `CONN HEADER R/A ${pins}POS 2MM`, mount: 'Through-Hole', weightG: round(0.2 * pins, 2), cost: round(0.05 * pins + 0.05, 2), mfrs: [{ supplier: 'jst', mpn: `S${pins}B-PH-K-S(LF)(SN)`, series: 'JST PH Connector' }] };
    }
    case 'microfit': {
      const pins = rng.pick([2, 4, 6, 8, 10, 12]);
      return { ...base, subKey: `J|mf|${pins}`, name: `Connector Micro-Fit 3.0 ${pins}-pin Vertical`, description: `CONN HEADER VERT ${pins}POS 3MM`, mount: 'Press-Fit', weightG: round(0.4 * pins, 2), cost: round(0.12 * pins + 0.3, 2), mfrs: [{ supplier: 'molex', mpn: `43650-${String(pins).padStart(2, '0')}00`, series: 'Molex Micro-Fit 3.0 Headers' }] };
    }
    case 'usbc':
      return { ...base, subKey: 'J|usbc', name: 'Connector USB Type-C Receptacle 16-pin SMT', description: 'CONN RCPT USB2.0 TYPE-C 16POS SMD', mount: 'SMT', weightG: 0.9, cost: 0.85, mfrs: sources(rng, [{ supplier: 'amphenol', mpn: '12401610E4#2A', series: 'Amphenol USB Type-C Receptacles' }, { supplier: 'te', mpn: '2129691-1', series: 'TE USB Type-C Receptacles' }]) };
    case 'rj45':
      return { ...base, subKey: 'J|rj45', name: 'Connector RJ45 with Magnetics, Shielded', description: 'CONN MAGJACK 1PORT 100 BASE-T', mount: 'Through-Hole', weightG: 6.5, cost: 3.2, mfrs: [{ supplier: 'amphenol', mpn: 'RJMG1BD3B8K1ANR', series: 'Amphenol RJMG Integrated Magnetics' }] };
    default:
      return { ...base, subKey: 'J|sma', name: 'Connector SMA Jack Edge Mount 50 Ohm', description: 'CONN SMA JACK STR 50OHM EDGE MNT', mount: 'SMT', weightG: 1.8, cost: 1.9, mfrs: [{ supplier: 'te', mpn: '5-1814832-1', series: 'TE SMA Edge Mount Connectors' }] };
  }
}

const DIODES: ReadonlyArray<readonly [string, string, string, string, string, number]> = [
  ['diodes', '1N4148W-7-F', 'Diode Switching 100V 300mA SOD-123', 'DIODE STANDARD 100V 300MA SOD123', 'D|sw', 0.03],
  ['nexperia', 'BAT54S,215', 'Diode Schottky Dual Series 30V SOT-23', 'DIODE ARRAY SCHOTTKY 30V SOT23', 'D|bat54', 0.04],
  ['diodes', 'B340A-13-F', 'Diode Schottky 40V 3A SMA', 'DIODE SCHOTTKY 40V 3A SMA', 'D|sch3a', 0.1],
  ['vishay', 'SS34-E3/57T', 'Diode Schottky 40V 3A SMC', 'DIODE SCHOTTKY 40V 3A DO214AB', 'D|sch3a', 0.2],
  ['littelfuse', 'SMBJ5.0A', 'Diode TVS 5V 600W SMB', 'TVS DIODE 5VWM 9.2VC SMB', 'D|tvs5', 0.1],
  ['littelfuse', 'SMBJ24A', 'Diode TVS 24V 600W SMB', 'TVS DIODE 24VWM 38.9VC SMB', 'D|tvs24', 0.1],
  ['nexperia', 'PESD5V0S1BL,315', 'Diode ESD 5V Bidirectional SOD-882', 'TVS DIODE 5VWM SOD882', 'D|esd', 0.01],
  ['kingbright', 'APT1608SGC', 'LED Green 0603', 'LED GREEN CLEAR 0603 SMD', 'D|ledg', 0.01],
  ['kingbright', 'APT1608EC', 'LED Red 0603', 'LED RED CLEAR 0603 SMD', 'D|ledr', 0.01],
  ['liteon', 'LTST-C191KGKT', 'LED Green 0603 Low Profile', 'LED GREEN CLEAR 0603 SMD', 'D|ledg', 0.01],
  ['liteon', 'LTST-C191KRKT', 'LED Red 0603 Low Profile', 'LED RED CLEAR 0603 SMD', 'D|ledr', 0.01],
  ['liteon', 'LTST-C191TBKT', 'LED Blue 0603 Low Profile', 'LED BLUE CLEAR 0603 SMD', 'D|ledb', 0.01],
];

function diode(rng: Rng): PartDraft {
  const [sup, mpn, name, desc, sub, grams] = rng.pick(DIODES);
  return {
    family: 'diode', subKey: sub, electrical: true, name, description: desc, category: 'Item\\Part\\Electrical\\Diode',
    uom: 'each', procurement: 'OTS', refPrefix: name.startsWith('LED') ? 'LED' : 'D', mount: 'SMT', tolerance: null,
    weightG: grams, cost: rng.real(0.02, 0.45, 3), mfrs: [{ supplier: sup, mpn, series: `${mpn} Datasheet` }], vendorOnly: null,
    custom: false, finish: null, qty: 'passive', vendorUom: null,
  };
}

const TRANSISTORS: ReadonlyArray<readonly [string, string, string, string, string]> = [
  ['onsemi', 'BSS138', 'MOSFET N-Channel 50V 220mA SOT-23', 'MOSFET N-CH 50V 220MA SOT-23', 'Q|nsmall'],
  ['nexperia', '2N7002,215', 'MOSFET N-Channel 60V 300mA SOT-23', 'MOSFET N-CH 60V 300MA TO236AB', 'Q|nsmall'],
  ['vishay', 'SI2302CDS-T1-GE3', 'MOSFET N-Channel 20V 2.6A SOT-23', 'MOSFET N-CH 20V 2.6A SOT23-3', 'Q|n2a'],
  ['infineon', 'IRLML6402TRPBF', 'MOSFET P-Channel 20V 3.7A SOT-23', 'MOSFET P-CH 20V 3.7A SOT-23', 'Q|p3a'],
  ['diodes', 'DMG2305UX-7', 'MOSFET P-Channel 20V 4.2A SOT-23', 'MOSFET P-CH 20V 4.2A SOT23', 'Q|p3a'],
  ['onsemi', 'MMBT3904LT1G', 'Transistor NPN 40V 200mA SOT-23', 'TRANS NPN 40V 0.2A SOT23-3', 'Q|npn'],
  ['onsemi', 'MMBT3906LT1G', 'Transistor PNP 40V 200mA SOT-23', 'TRANS PNP 40V 0.2A SOT23-3', 'Q|pnp'],
  ['infineon', 'BSC014N06NS', 'MOSFET N-Channel 60V 100A TDSON-8', 'MOSFET N-CH 60V 100A TDSON-8', 'Q|npower'],
];

function transistor(rng: Rng): PartDraft {
  const [sup, mpn, name, desc, sub] = rng.pick(TRANSISTORS);
  return {
    family: 'transistor', subKey: sub, electrical: true, name, description: desc, category: 'Item\\Part\\Electrical\\Transistor',
    uom: 'each', procurement: 'OTS', refPrefix: 'Q', mount: 'SMT', tolerance: null, weightG: sub === 'Q|npower' ? 0.12 : 0.008,
    cost: rng.real(0.03, sub === 'Q|npower' ? 2.4 : 0.4, 3), mfrs: [{ supplier: sup, mpn, series: `${mpn} Datasheet` }],
    vendorOnly: null, custom: false, finish: null, qty: 'ic', vendorUom: null,
  };
}

function crystal(rng: Rng): PartDraft {
  const mhz = rng.pick(['8.000', '12.000', '16.000', '24.000', '25.000', '26.000', '32.000', '0.032768']);
  const khz = mhz === '0.032768';
  const label = khz ? '32.768kHz' : `${Number(mhz)}MHz`;
  const cands: MfrRef[] = khz
    ? [{ supplier: 'abracon', mpn: 'ABS07-32.768KHZ-T', series: 'Abracon ABS07 Tuning Fork Crystals' }, { supplier: 'ecs', mpn: 'ECS-.327-12.5-34B-TR', series: 'ECS-34B Tuning Fork Crystals' }]
    : [{ supplier: 'abracon', mpn: `ABM8-${mhz}MHZ-B2-T`, series: 'Abracon ABM8 Quartz Crystals' }, { supplier: 'ecs', mpn: `ECS-${Number(mhz) * 10}-18-33-JGN-TR`, series: 'ECS-33 Quartz Crystals' }];
  return {
    family: 'crystal', subKey: `Y|${mhz}`, electrical: true, name: `Crystal ${label} ${khz ? '12.5pF 3.2x1.5mm' : '18pF 3.2x2.5mm'}`,
    description: `CRYSTAL ${label.toUpperCase()} ${khz ? '12.5PF' : '18PF'} SMD`, category: 'Item\\Part\\Electrical\\Crystal', uom: 'each',
    procurement: 'OTS', refPrefix: 'Y', mount: 'SMT', tolerance: khz ? '20ppm' : '30ppm', weightG: 0.03, cost: rng.real(0.2, 0.6, 3),
    mfrs: sources(rng, cands), vendorOnly: null, custom: false, finish: null, qty: 'ic', vendorUom: null,
  };
}

const COLORS = [['Black', 'BK'], ['Red', 'RD'], ['White', 'WH'], ['Blue', 'BL'], ['Green', 'GR'], ['Yellow', 'YL'], ['Orange', 'OR']] as const;

function wire(rng: Rng): PartDraft {
  const awg = rng.pick([18, 20, 22, 24, 26]);
  const [color, code] = rng.pick(COLORS);
  return {
    family: 'wire', subKey: `W|${awg}|${color}`, electrical: true, name: `Wire, Hook-up, ${awg} AWG, Stranded, ${color}`,
    description: `HOOK-UP STRND ${awg}AWG ${color.toUpperCase()} PVC 300V`, category: 'Item\\Part\\Electrical\\Wire', uom: 'm',
    procurement: 'OTS', refPrefix: null, mount: 'Manual', tolerance: null, weightG: round(60 / awg, 2), cost: round(0.1 + 6 / awg, 2),
    mfrs: [{ supplier: 'alphawire', mpn: `${awg === 22 ? '3051' : awg === 20 ? '3053' : awg === 18 ? '3055' : awg === 24 ? '3050' : '3049'} ${code}005`, series: 'Alpha Wire Hook-Up Wire UL1007' }],
    vendorOnly: null, custom: false, finish: null, qty: 'length', vendorUom: { uom: 'ft', factor: 3.28084 },
  };
}

function fastener(rng: Rng): PartDraft {
  const size = rng.weighted([['M2', 15], ['M2.5', 15], ['M3', 40], ['M4', 20], ['M5', 10]] as const);
  const kind = rng.weighted([['pan', 30], ['shcs', 20], ['flat', 10], ['nut', 12], ['washer', 12], ['standoff', 16]] as const);
  const len = rng.pick([4, 5, 6, 8, 10, 12, 16, 20]);
  const material = rng.weighted([['Stainless Steel', 60], ['Zinc-Plated Steel', 25], ['Black Oxide Steel', 15]] as const);
  const mc = `9${rng.int(1000, 9999)}A${rng.int(100, 999)}`;
  const base = { family: 'fastener' as const, electrical: false, category: 'Item\\Part\\Mechanical\\Fastener', uom: 'each', procurement: 'OTS' as const, refPrefix: null, mount: 'Manual', custom: false, finish: null, qty: 'fastener' as const, vendorUom: null };
  switch (kind) {
    case 'pan':
    case 'shcs':
    case 'flat': {
      const head = kind === 'pan' ? 'Pan Head Phillips' : kind === 'shcs' ? 'Socket Head Cap' : 'Flat Head Phillips';
      return { ...base, subKey: `F|${kind}|${size}|${len}`, name: `Screw, ${head}, ${size} x ${len} mm, ${material}`, description: `Machine screw, ${head.toLowerCase()}, ${size} x 0.5 thread, ${len} mm long, ${material.toLowerCase()}`, tolerance: '6g', weightG: round(0.12 * len, 2), cost: rng.real(0.03, 0.15, 3), mfrs: [], vendorOnly: mc };
    }
    case 'nut':
      return { ...base, subKey: `F|nut|${size}`, name: `Nut, Hex, ${size}, ${material}`, description: `Hex nut, ${size}, ${material.toLowerCase()}`, tolerance: '6H', weightG: 0.6, cost: rng.real(0.01, 0.06, 3), mfrs: [], vendorOnly: mc };
    case 'washer':
      return { ...base, subKey: `F|washer|${size}`, name: `Washer, Flat, ${size}, ${material}`, description: `Flat washer, DIN 125, ${size}, ${material.toLowerCase()}`, tolerance: null, weightG: 0.3, cost: rng.real(0.01, 0.04, 3), mfrs: [], vendorOnly: mc };
    default:
      return { ...base, subKey: `F|standoff|${size}|${len}`, name: `Standoff, Hex, ${size} x ${len} mm, Female-Female, Brass`, description: `Hex standoff, ${size} thread, ${len} mm, nickel-plated brass`, tolerance: null, weightG: round(0.4 * len, 2), cost: rng.real(0.15, 0.6, 3), mfrs: rng.chance(0.5) ? [{ supplier: 'keystone', mpn: `24${rng.int(300, 399)}`, series: 'Keystone Hex Standoffs' }] : [], vendorOnly: mc };
  }
}

function custom(rng: Rng): PartDraft {
  const kind = rng.weighted([['enclosure', 12], ['bracket', 25], ['panel', 15], ['heatsink', 10], ['cover', 12], ['shield', 10], ['gasket', 6], ['lightpipe', 5], ['spacer', 5]] as const);
  const w = rng.int(4, 30) * 5;
  const h = rng.int(4, 20) * 5;
  const d = rng.int(2, 12) * 5;
  const base = { family: 'custom' as const, electrical: false, uom: 'each', procurement: 'MTS' as const, refPrefix: null, mount: 'Manual', mfrs: [], vendorOnly: null, custom: true, qty: 'one' as const, vendorUom: null };
  switch (kind) {
    case 'enclosure': {
      const black = rng.chance(0.6);
      return { ...base, subKey: `M|enc|${w}|${h}|${d}`, name: `Enclosure, Aluminium, ${w} x ${h} x ${d} mm, ${black ? 'Black' : 'Clear'} Anodized`, description: `Machined enclosure, 6061-T6 aluminium, ${black ? 'black' : 'clear'} anodize type II`, category: 'Item\\Part\\Mechanical\\Enclosure', tolerance: '±0.1 mm', weightG: round(w * h * d * 0.0004, 1), cost: rng.real(18, 95, 2), finish: black ? 'anodize-black' : 'anodize-clear' };
    }
    case 'bracket':
      return { ...base, subKey: `M|brk|${w}|${h}`, name: `Bracket, Mounting, ${w} x ${h} mm, 1.5 mm Steel`, description: `Formed sheet metal bracket, 1.5 mm CRS, zinc plated`, category: 'Item\\Part\\Mechanical\\Sheet Metal', tolerance: '±0.2 mm', weightG: round(w * h * 0.012, 1), cost: rng.real(1.2, 8, 2), finish: rng.chance(0.3) ? 'powder-black' : null };
    case 'panel':
      return { ...base, subKey: `M|pnl|${w}|${h}`, name: `Panel, Front, Aluminium, ${w} x ${h} mm`, description: `Front panel, 2 mm 5052 aluminium, laser cut, silkscreened legend`, category: 'Item\\Part\\Mechanical\\Sheet Metal', tolerance: '±0.2 mm', weightG: round(w * h * 0.0054, 1), cost: rng.real(4, 22, 2), finish: 'anodize-clear' };
    case 'heatsink':
      return { ...base, subKey: `M|hs|${w}|${d}`, name: `Heat Sink, Extruded Aluminium, ${w} x ${w} x ${d} mm`, description: `Extruded heat sink, 6063-T5, black anodized, ${Math.round(w / 5)} fins`, category: 'Item\\Part\\Mechanical\\Machined', tolerance: '±0.15 mm', weightG: round(w * w * d * 0.0009, 1), cost: rng.real(2.5, 14, 2), finish: 'anodize-black' };
    case 'cover':
      return { ...base, subKey: `M|cov|${w}|${h}`, name: `Cover, Rear, ABS, UL94-V0, ${w} x ${h} mm`, description: `Injection molded rear cover, flame-retardant ABS, black, textured MT-11010`, category: 'Item\\Part\\Mechanical\\Plastic', tolerance: '±0.15 mm', weightG: round(w * h * 0.0025, 1), cost: rng.real(0.8, 6, 2), finish: null };
    case 'shield':
      return { ...base, subKey: `M|shd|${w}|${h}`, name: `Shield, EMI, Tin-Plated Steel, ${w / 5} x ${h / 5} mm`, description: `Board-level EMI shield can, 0.2 mm tin-plated steel`, category: 'Item\\Part\\Mechanical\\Sheet Metal', tolerance: '±0.05 mm', weightG: round(w * h * 0.0006, 2), cost: rng.real(0.3, 1.5, 2), finish: null };
    case 'gasket':
      return { ...base, subKey: `M|gsk|${w}|${h}`, name: `Gasket, Silicone, 2 mm, ${w} x ${h} mm`, description: `Die-cut silicone gasket, 40 Shore A, IP65 seal`, category: 'Item\\Part\\Mechanical\\Plastic', tolerance: '±0.3 mm', weightG: round(w * h * 0.0009, 1), cost: rng.real(0.4, 2.5, 2), finish: null };
    case 'lightpipe':
      return { ...base, subKey: 'M|lp', name: `Light Pipe, Polycarbonate, 3 mm, ${d} mm long`, description: `Light pipe, clear polycarbonate, press fit`, category: 'Item\\Part\\Mechanical\\Plastic', tolerance: '±0.1 mm', weightG: 0.4, cost: rng.real(0.1, 0.5, 2), finish: null };
    default:
      return { ...base, subKey: `M|spc|${d}`, name: `Spacer, Nylon, ${d / 5} mm`, description: `Round spacer, nylon 6/6, natural`, category: 'Item\\Part\\Mechanical\\Machined', tolerance: '±0.1 mm', weightG: 0.2, cost: rng.real(0.02, 0.1, 3), finish: null };
  }
}

function label(rng: Rng): PartDraft {
  const kind = rng.pick(['Serial Number', 'Rating Plate', 'Warning, High Voltage', 'Barcode, Asset Tag', 'ESD Caution', 'Product Logo']);
  const w = rng.pick([25, 38, 50, 76]);
  return {
    family: 'label', subKey: `LBL|${kind}`, electrical: false, name: `Label, ${kind}, ${w} x ${Math.round(w / 2)} mm, Polyester`,
    description: `Printed label, ${kind.toLowerCase()}, white polyester, permanent acrylic adhesive`, category: 'Item\\Part\\Mechanical\\Label',
    uom: 'each', procurement: 'OTS', refPrefix: null, mount: 'Manual', tolerance: null, weightG: 0.3, cost: rng.real(0.05, 0.4, 3),
    mfrs: [{ supplier: 'brady', mpn: `THT-${rng.int(10, 199)}-${rng.pick(['423', '427', '483'])}-${rng.int(1, 10)}`, series: 'Brady B-423 Polyester Label Stock' }],
    vendorOnly: null, custom: false, finish: null, qty: 'one', vendorUom: null,
  };
}

function consumable(rng: Rng): PartDraft {
  const kind = rng.pick(['loctite', 'paste', 'shrink', 'tie', 'tape'] as const);
  const base = { family: 'consumable' as const, electrical: false, category: 'Item\\Part\\Consumable', procurement: 'OTS' as const, refPrefix: null, mount: 'Manual', tolerance: null, vendorOnly: null, custom: false, finish: null, vendorUom: null };
  switch (kind) {
    case 'loctite':
      return { ...base, subKey: 'X|loctite', name: 'Adhesive, Threadlocker, Medium Strength, Blue', description: 'Threadlocker, medium strength, 10 ml bottle', uom: 'ml', weightG: 1.1, cost: 0.9, mfrs: [{ supplier: 'henkel', mpn: 'LOCTITE 243', series: 'Loctite 243 Technical Data Sheet' }], qty: 'volume' };
    case 'paste':
      return { ...base, subKey: 'X|paste', name: 'Thermal Compound, Silicone-Free', description: 'Thermal interface compound, 2.9 W/mK', uom: 'g', weightG: 1, cost: 0.35, mfrs: [{ supplier: '3m', mpn: 'TCG-2035', series: '3M Thermally Conductive Grease' }], qty: 'mass' };
    case 'shrink': {
      const dia = rng.pick(['1/8', '3/16', '1/4', '3/8']);
      return { ...base, subKey: `X|shrink|${dia}`, name: `Heat Shrink Tubing, ${dia} in, 2:1, Black`, description: `Polyolefin heat shrink tubing, ${dia} in, 2:1 shrink ratio`, uom: 'm', weightG: 2, cost: 0.6, mfrs: [{ supplier: '3m', mpn: `FP-301-${dia}-BLACK`, series: '3M FP-301 Heat Shrink Tubing' }], qty: 'length' };
    }
    case 'tie':
      return { ...base, subKey: 'X|tie', name: `Cable Tie, ${rng.pick([100, 150, 200])} mm, Nylon, Natural`, description: 'Cable tie, nylon 6/6, 18 lb tensile', uom: 'each', weightG: 0.3, cost: 0.02, mfrs: [], vendorOnly: `7${rng.int(100, 999)}K${rng.int(10, 99)}`, qty: 'fastener' };
    default:
      return { ...base, subKey: 'X|tape', name: 'Tape, Kapton, 10 mm', description: 'Polyimide tape, 0.06 mm, 10 mm wide', uom: 'm', weightG: 0.5, cost: 0.25, mfrs: [{ supplier: '3m', mpn: '5413-10MM', series: '3M 5413 Polyimide Film Tape' }], qty: 'length' };
  }
}

/** 1..3 manufacturers out of the candidates: the preferred first, sometimes a second or third source. */
function sources(rng: Rng, cands: MfrRef[]): MfrRef[] {
  const first = rng.int(0, cands.length - 1);
  const out = [cands[first]];
  const n = rng.weighted([[1, 55], [2, 35], [3, 10]] as const);
  for (let k = 1; k < n && k < cands.length; k++) out.push(cands[(first + k) % cands.length]);
  return out;
}

/** The bare board of a PCB assembly: drawn in house, built by a board fab. */
export function barePcb(rng: Rng, boardName: string): PartDraft {
  const layers = rng.weighted([[2, 25], [4, 50], [6, 20], [8, 5]] as const);
  const thick = rng.pick(['1.0', '1.6', '1.6', '2.0']);
  const board = boardName.replace(/ Assembly.*$/, '');
  return {
    family: 'pcb', subKey: `PCB|${boardName}`, electrical: true, name: `PCB, ${board}, ${layers}-Layer, FR-4, ${thick} mm`,
    description: `Bare printed circuit board, ${layers} layers, FR-4 Tg170, ${thick} mm, ENIG, green solder mask, white legend`,
    category: 'Item\\Part\\Electrical\\PCB', uom: 'each', procurement: 'MTS', refPrefix: null, mount: null, tolerance: '±10%',
    weightG: rng.real(8, 60, 1), cost: rng.real(1.5, 6, 2) * layers / 2, mfrs: [], vendorOnly: null, custom: true, finish: null,
    qty: 'one', vendorUom: null,
  };
}

export const FAMILIES: Readonly<Record<Exclude<FamilyKey, 'pcb'>, (rng: Rng) => PartDraft>> = {
  resistor, capacitor, inductor, ic, connector, diode, transistor, crystal, wire, fastener, custom, label, consumable,
};

/** How often each family appears in the catalogue. */
export const FAMILY_WEIGHTS: ReadonlyArray<readonly [Exclude<FamilyKey, 'pcb'>, number]> = [
  ['resistor', 26], ['capacitor', 24], ['inductor', 4], ['ic', 9], ['connector', 6], ['diode', 5], ['transistor', 4],
  ['crystal', 1.5], ['wire', 2], ['fastener', 7], ['custom', 7], ['label', 2], ['consumable', 1.5],
];

/** Which families go on which kind of assembly, by weight. */
export const POOLS: Readonly<Record<'pcb' | 'mech' | 'cable' | 'top', ReadonlyArray<readonly [FamilyKey, number]>>> = {
  pcb: [['resistor', 32], ['capacitor', 30], ['inductor', 4], ['ic', 12], ['connector', 7], ['diode', 7], ['transistor', 5], ['crystal', 2], ['custom', 1]],
  mech: [['fastener', 45], ['custom', 30], ['label', 10], ['consumable', 10], ['connector', 5]],
  cable: [['connector', 40], ['wire', 35], ['label', 10], ['consumable', 15]],
  top: [['fastener', 40], ['custom', 30], ['label', 20], ['consumable', 10]],
};

export function bomQuantity(kind: QtyKind, rng: Rng): number {
  switch (kind) {
    case 'passive': return rng.weighted([[1, 34], [2, 24], [3, 10], [4, 10], [5, 4], [6, 5], [8, 5], [9, 3], [12, 3], [16, 2]] as const);
    case 'ic': return rng.weighted([[1, 80], [2, 15], [4, 5]] as const);
    case 'connector': return rng.weighted([[1, 70], [2, 25], [3, 5]] as const);
    case 'fastener': return rng.pick([2, 4, 4, 4, 6, 8, 12]);
    case 'one': return rng.weighted([[1, 85], [2, 15]] as const);
    case 'length': return rng.real(0.1, 2.5, 2);
    case 'volume': return rng.pick([0.05, 0.1, 0.25, 0.5]);
    case 'mass': return rng.pick([0.5, 1, 1.5, 2]);
  }
}

/** Finishing processes sold by the finishing house (supplier items of type PROCESS). */
export const PROCESSES: Readonly<Record<string, { number: string; name: string; description: string }>> = {
  'anodize-black': { number: 'PAC-ANO-II-BLK', name: 'Anodize, Type II, Black', description: 'Sulfuric acid anodize per MIL-A-8625 Type II Class 2, black dye' },
  'anodize-clear': { number: 'PAC-ANO-II-CLR', name: 'Anodize, Type II, Clear', description: 'Sulfuric acid anodize per MIL-A-8625 Type II Class 1' },
  'powder-black': { number: 'PAC-PC-9005', name: 'Powder Coat, RAL 9005, Textured', description: 'Polyester powder coat, jet black, fine texture, 60-80 um' },
};

export const PRODUCT_LINES = ['Sentinel', 'Atlas', 'Orion', 'Vega', 'Nimbus', 'Helix', 'Titan', 'Aurora', 'Falcon', 'Cobalt', 'Quasar', 'Zephyr', 'Meridian', 'Polaris', 'Kestrel', 'Summit'];
export const PRODUCT_TYPES = ['Gateway', 'Controller', 'Sensor Hub', 'Power Module', 'Data Logger', 'Motor Drive', 'Edge Server', 'Charging Station', 'Thermal Camera', 'Flow Meter', 'Access Point', 'Battery Monitor'];
export const SUBASSEMBLY_NAMES: Readonly<Record<'pcb' | 'mech' | 'cable', readonly string[]>> = {
  pcb: ['Main Board Assembly', 'Power Board Assembly', 'I/O Board Assembly', 'Display Board Assembly', 'Sensor Board Assembly', 'Interface Board Assembly', 'LED Board Assembly', 'Motor Driver Board Assembly', 'Radio Module Assembly', 'Keypad Board Assembly', 'Battery Management Board Assembly', 'Backplane Assembly'],
  mech: ['Enclosure Assembly', 'Front Panel Assembly', 'Chassis Assembly', 'Fan Tray Assembly', 'Heat Sink Assembly', 'Bracket Assembly', 'Battery Pack Assembly', 'Rear Cover Assembly', 'Mounting Kit', 'Hinge Assembly', 'Display Bezel Assembly'],
  cable: ['Cable Assembly, DC Power', 'Wire Harness, Main', 'Cable Assembly, USB-C', 'Cable Assembly, Ethernet', 'Wire Harness, Sensor', 'Cable Assembly, Ribbon 20-pin', 'Cable Assembly, Antenna', 'Wire Harness, Fan'],
};
