// Schema version 6: kinds of work (`tandem clusters`) and the route each step ran on.
// - clusterings: each run of `tandem clusters` is a new version; routing uses the latest one made with
//   the loaded base model (embeddings of another model are not comparable). Kept, never rewritten, so
//   "cluster 2" in a step's route always means the same centroid.
// - work_clusters: a clustering's centroids (Float32 little-endian) and labels.
// - task_clusters: which cluster a task belongs to in a clustering; `routed` marks the one its steps
//   ran on (chosen when the task started), the others come from clustering recorded tasks.
// - steps.route_clustering / steps.route_cluster: the route a step ran on (null: no clustering existed);
//   the adapter it used is steps.adapter_version as before (the cluster's, or the role's general one).
export const workClustersSchema = `
CREATE TABLE clusterings (
  version INTEGER PRIMARY KEY,
  base_model_sha TEXT NOT NULL,
  dims INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE work_clusters (
  clustering INTEGER NOT NULL REFERENCES clusterings(version),
  cluster INTEGER NOT NULL,
  label TEXT NOT NULL,
  centroid BLOB NOT NULL,
  PRIMARY KEY (clustering, cluster)
) WITHOUT ROWID;
CREATE TABLE task_clusters (
  task_id TEXT NOT NULL REFERENCES tasks(id),
  clustering INTEGER NOT NULL REFERENCES clusterings(version),
  cluster INTEGER NOT NULL,
  routed INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (task_id, clustering)
) WITHOUT ROWID;
CREATE INDEX task_clusters_by_cluster ON task_clusters(clustering, cluster);
ALTER TABLE steps ADD COLUMN route_clustering INTEGER;
ALTER TABLE steps ADD COLUMN route_cluster INTEGER;
`;
