/**
 * Flag files to run the evaluation APIs over, each with its entity ids and contexts: the
 * repository's own corpus (always), and Flipt's sample files when they are beside the
 * repository (FLIPT_FEATURES_DIR), so a clone anywhere runs the first and CI the two.
 */
import * as corpus from '../corpus/loading.js';
import * as samples from './samples.js';

export interface EvaluationSuite {
  /** What the test names: `corpus/<file>` or `flipt/<file>`. */
  label: string;
  /** The flag file's absolute path. */
  file: string;
  entityIds: string[];
  contexts: Record<string, string>[];
}

const corpusSuites: EvaluationSuite[] = corpus.LOADING.filter(({ path }) => /\.(ya?ml|json)$/.test(path)).map(({ path, contexts }) => ({
  label: `corpus/${path}`,
  file: corpus.LOADS_DIR + path,
  entityIds: corpus.ENTITY_IDS,
  contexts,
}));

const sampleSuites: EvaluationSuite[] = samples.FEATURES_FOUND
  ? Object.entries(samples.LOADING).map(([file, contexts]) => ({ label: `flipt/${file}`, file: samples.FEATURES_DIR + file, entityIds: samples.ENTITY_IDS, contexts }))
  : [];

export const EVALUATION_SUITES: EvaluationSuite[] = [...corpusSuites, ...sampleSuites];
