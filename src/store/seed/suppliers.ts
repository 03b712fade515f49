/**
 * The seeded supplier list: manufacturers, distributors, board fabs, contract manufacturers, machine
 * shops and a finishing house. Companies given a non-approved status are fictional.
 */
export type SupplierRole = 'mfr' | 'dist' | 'fab' | 'cm' | 'shop' | 'finish' | 'broker';
export type ApprovalStatus = 'approved' | 'unrated' | 'disapproved';

export interface SupplierDef {
  key: string;
  name: string;
  role: SupplierRole;
  approval: ApprovalStatus;
  website: string | null;
  description: string;
  tier: 'Tier 1' | 'Tier 2' | 'Tier 3';
}

const mfr = (key: string, name: string, website: string, what: string): SupplierDef => ({
  key, name, role: 'mfr', approval: 'approved', website, description: `Manufacturer of ${what}`, tier: 'Tier 2',
});

export const SUPPLIERS: readonly SupplierDef[] = [
  mfr('yageo', 'Yageo', 'https://www.yageo.com', 'thick film chip resistors'),
  mfr('vishay', 'Vishay Intertechnology', 'https://www.vishay.com', 'resistors, diodes and MOSFETs'),
  mfr('panasonic', 'Panasonic Industry', 'https://industry.panasonic.com', 'passive components'),
  mfr('koa', 'KOA Speer Electronics', 'https://www.koaspeer.com', 'chip resistors'),
  mfr('murata', 'Murata Electronics', 'https://www.murata.com', 'multilayer ceramic capacitors'),
  mfr('samsung', 'Samsung Electro-Mechanics', 'https://www.samsungsem.com', 'multilayer ceramic capacitors'),
  mfr('kemet', 'KEMET', 'https://www.kemet.com', 'ceramic and tantalum capacitors'),
  mfr('tdk', 'TDK Corporation', 'https://www.tdk.com', 'capacitors and inductors'),
  mfr('coilcraft', 'Coilcraft', 'https://www.coilcraft.com', 'power inductors'),
  mfr('wurth', 'Wurth Elektronik', 'https://www.we-online.com', 'inductors and connectors'),
  mfr('bourns', 'Bourns', 'https://www.bourns.com', 'inductors and circuit protection'),
  mfr('ti', 'Texas Instruments', 'https://www.ti.com', 'analog and embedded processing ICs'),
  mfr('st', 'STMicroelectronics', 'https://www.st.com', 'microcontrollers and power ICs'),
  mfr('adi', 'Analog Devices', 'https://www.analog.com', 'data converters, amplifiers and isolators'),
  mfr('microchip', 'Microchip Technology', 'https://www.microchip.com', 'microcontrollers and memories'),
  mfr('nxp', 'NXP Semiconductors', 'https://www.nxp.com', 'microcontrollers and interface ICs'),
  mfr('onsemi', 'onsemi', 'https://www.onsemi.com', 'discrete semiconductors and power ICs'),
  mfr('infineon', 'Infineon Technologies', 'https://www.infineon.com', 'power semiconductors'),
  mfr('nordic', 'Nordic Semiconductor', 'https://www.nordicsemi.com', 'wireless SoCs'),
  mfr('diodes', 'Diodes Incorporated', 'https://www.diodes.com', 'discrete and analog semiconductors'),
  mfr('nexperia', 'Nexperia', 'https://www.nexperia.com', 'discretes and logic'),
  mfr('kingbright', 'Kingbright', 'https://www.kingbrightusa.com', 'LEDs'),
  mfr('liteon', 'Lite-On', 'https://optoelectronics.liteon.com', 'LEDs'),
  mfr('littelfuse', 'Littelfuse', 'https://www.littelfuse.com', 'TVS diodes and fuses'),
  mfr('abracon', 'Abracon', 'https://abracon.com', 'crystals and oscillators'),
  mfr('ecs', 'ECS Inc. International', 'https://ecsxtal.com', 'crystals and oscillators'),
  mfr('molex', 'Molex', 'https://www.molex.com', 'connectors'),
  mfr('te', 'TE Connectivity', 'https://www.te.com', 'connectors'),
  mfr('amphenol', 'Amphenol', 'https://www.amphenol.com', 'connectors'),
  mfr('jst', 'JST', 'https://www.jst-mfg.com', 'wire-to-board connectors'),
  mfr('samtec', 'Samtec', 'https://www.samtec.com', 'board-to-board connectors'),
  mfr('alphawire', 'Alpha Wire', 'https://www.alphawire.com', 'hook-up wire and cable'),
  mfr('keystone', 'Keystone Electronics', 'https://www.keyelco.com', 'standoffs and hardware'),
  mfr('brady', 'Brady', 'https://www.bradyid.com', 'labels'),
  mfr('henkel', 'Henkel', 'https://www.henkel-adhesives.com', 'adhesives and threadlockers'),
  mfr('3m', '3M', 'https://www.3m.com', 'tapes, tubing and thermal materials'),
  { key: 'digikey', name: 'Digi-Key Electronics', role: 'dist', approval: 'approved', website: 'https://www.digikey.com', description: 'Authorized electronic components distributor', tier: 'Tier 1' },
  { key: 'mouser', name: 'Mouser Electronics', role: 'dist', approval: 'approved', website: 'https://www.mouser.com', description: 'Authorized electronic components distributor', tier: 'Tier 1' },
  { key: 'arrow', name: 'Arrow Electronics', role: 'dist', approval: 'approved', website: 'https://www.arrow.com', description: 'Authorized electronic components distributor', tier: 'Tier 1' },
  { key: 'avnet', name: 'Avnet', role: 'dist', approval: 'approved', website: 'https://www.avnet.com', description: 'Authorized electronic components distributor', tier: 'Tier 1' },
  { key: 'mcmaster', name: 'McMaster-Carr', role: 'dist', approval: 'approved', website: 'https://www.mcmaster.com', description: 'Industrial hardware and fasteners', tier: 'Tier 2' },
  { key: 'northwind', name: 'Northwind Components', role: 'dist', approval: 'unrated', website: null, description: 'Regional distributor, qualification pending', tier: 'Tier 3' },
  { key: 'globex', name: 'Globex Component Brokers', role: 'broker', approval: 'disapproved', website: null, description: 'Independent broker; failed counterfeit-avoidance audit', tier: 'Tier 3' },
  { key: 'initech', name: 'Initech Surplus Electronics', role: 'broker', approval: 'disapproved', website: null, description: 'Surplus reseller; no traceability', tier: 'Tier 3' },
  { key: 'sierracircuits', name: 'Sierra Circuits', role: 'fab', approval: 'approved', website: 'https://www.protoexpress.com', description: 'Printed circuit board fabrication', tier: 'Tier 1' },
  { key: 'bayarea', name: 'Bay Area Circuits', role: 'fab', approval: 'approved', website: 'https://bayareacircuits.com', description: 'Printed circuit board fabrication', tier: 'Tier 2' },
  { key: 'jabil', name: 'Jabil', role: 'cm', approval: 'approved', website: 'https://www.jabil.com', description: 'Contract manufacturer, PCB assembly and box build', tier: 'Tier 1' },
  { key: 'sanmina', name: 'Sanmina', role: 'cm', approval: 'approved', website: 'https://www.sanmina.com', description: 'Contract manufacturer, PCB assembly', tier: 'Tier 1' },
  { key: 'protolabs', name: 'Protolabs', role: 'shop', approval: 'approved', website: 'https://www.protolabs.com', description: 'CNC machining, sheet metal and injection molding', tier: 'Tier 2' },
  { key: 'xometry', name: 'Xometry', role: 'shop', approval: 'approved', website: 'https://www.xometry.com', description: 'On-demand machining and sheet metal', tier: 'Tier 2' },
  { key: 'cascade', name: 'Cascade Sheet Metal Works', role: 'shop', approval: 'unrated', website: null, description: 'Local sheet metal shop, first-article inspection pending', tier: 'Tier 3' },
  { key: 'redwood', name: 'Redwood Plastics Molding', role: 'shop', approval: 'unrated', website: null, description: 'Injection molding, qualification pending', tier: 'Tier 3' },
  { key: 'pacific', name: 'Pacific Anodizing Co.', role: 'finish', approval: 'approved', website: null, description: 'Anodizing, passivation and powder coating', tier: 'Tier 2' },
];
