// The partition choice: the user puts each node the scenario's faults may hit on one side or the
// other, and the simulator's own partition fault cuts the two sides apart (nodes the faults do
// not hit, such as clients, reach both).
import { useState } from 'preact/hooks';
import { partitionChoiceId } from '../partition-choice.js';

export function PartitionPicker(props: {
  readonly nodes: readonly string[];
  readonly onChoose: (choice: string) => void;
}) {
  const [left, setLeft] = useState<ReadonlySet<string>>(new Set());
  const sideA = props.nodes.filter((node) => left.has(node));
  const sideB = props.nodes.filter((node) => !left.has(node));
  const toggle = (node: string): void => {
    const next = new Set(left);
    if (next.has(node)) next.delete(node);
    else next.add(node);
    setLeft(next);
  };
  return (
    <div class="partition-picker" data-testid="partition-picker">
      <div>partition: tick the nodes of one side</div>
      {props.nodes.map((node) => (
        <label key={node}>
          <input type="checkbox" data-node={node} checked={left.has(node)} onChange={() => toggle(node)} />
          {node}
        </label>
      ))}
      <button
        class="choice partition"
        data-testid="partition-make"
        disabled={sideA.length === 0 || sideB.length === 0}
        onClick={() => props.onChoose(partitionChoiceId([sideA, sideB]))}
      >
        partition {sideA.join(',') || '…'} | {sideB.join(',') || '…'}
      </button>
    </div>
  );
}
