/**
 * The suppression worker's entry (see SuppressionThread): decides each task it is sent and answers
 * with its id, the decision's buffer moved rather than copied. A failure answers that task alone.
 */
import { parentPort } from 'node:worker_threads';
import { decide, type SuppressionAnswer, type SuppressionTask } from './suppression-decision';

const port = parentPort;
if (port === null) throw new Error('suppression.worker runs only as a worker thread');
port.on('message', ({ id, task }: { id: number; task: SuppressionTask }) => {
  let answer: SuppressionAnswer;
  try {
    answer = { id, decision: decide(task) };
  } catch (error) {
    const { message, stack } = error instanceof Error ? error : new Error(String(error));
    answer = { id, error: { message, stack } };
  }
  port.postMessage(answer, 'decision' in answer ? [answer.decision.cells.buffer] : []);
});
