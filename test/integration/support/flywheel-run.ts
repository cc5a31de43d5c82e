// The flywheel's training settings and held-out check live in daemon code, shared with the bench and `tandem demo --loop`.
export * from '../../../daemon/src/training/flywheel-run.js';
