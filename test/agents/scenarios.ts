// Every agent scenario by name. Run them on any harness: the in-memory one in test/unit/agents, the
// real store and git workspace in test/integration, with the same assertions.
import type { HarnessFactory } from './harness.js';
import { delegateReviseAcceptFinish, invalidActionsAreErrorsTheModelSees, rejectionStartsNewRound } from './scenarios-flow.js';
import {
  compactionKeepsRequestsInContext, orchestratorRepeatingItselfIsDoomLoop, repeatedCallIsDoomLoop, subtaskStepBudgetStopsWorker, taskStepBudgetStopsRound,
  tokenBudgetStopsRound, unchangedDiffIsNoProgress, writingTheSameContentIsNoProgress,
} from './scenarios-guards.js';
import { cancelWhileWorkerGenerates, modelFailureEndsRoundWithError, throwingToolIsAResult } from './scenarios-stops.js';

export const agentScenarios: Record<string, (factory: HarnessFactory) => Promise<void>> = {
  'delegate -> diff -> revise -> accept -> finish, all recorded': delegateReviseAcceptFinish,
  'a rejection reason starts a new round the orchestrator is told about': rejectionStartsNewRound,
  'invalid actions are errors the model sees, not crashes': invalidActionsAreErrorsTheModelSees,
  'the same call repeated is a doom loop that stops the worker': repeatedCallIsDoomLoop,
  'an orchestrator delegating the same thing again and again is a doom loop': orchestratorRepeatingItselfIsDoomLoop,
  'worker steps that leave the diff unchanged are stopped as no progress': unchangedDiffIsNoProgress,
  'writing a file with the content it has is no progress': writingTheSameContentIsNoProgress,
  'the task step budget stops the round': taskStepBudgetStopsRound,
  'the subtask step budget stops the worker and the orchestrator goes on': subtaskStepBudgetStopsWorker,
  'the token budget stops the round and bounds each action': tokenBudgetStopsRound,
  'compaction keeps every request inside the context': compactionKeepsRequestsInContext,
  'cancel while the worker generates (runtime returns aborted)': (factory) => cancelWhileWorkerGenerates(factory, false),
  'cancel while the worker generates (runtime throws AbortError)': (factory) => cancelWhileWorkerGenerates(factory, true),
  'a model failure ends the round with error, recorded': modelFailureEndsRoundWithError,
  'a tool executor that throws gives the worker an error result': throwingToolIsAResult,
};
