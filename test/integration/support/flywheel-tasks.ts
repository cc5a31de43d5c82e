// The flywheel's recorded demonstrations live in daemon code, shared with the bench and `tandem demo --loop`.
export * from '../../../daemon/src/training/flywheel-demonstrations.js';
