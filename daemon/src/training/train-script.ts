// The train.py a training workspace holds. It lives in a TS string so the daemon's one bundle carries it
// (no asset files to find at run time). It trains on the token ids `tandem train` rendered with the
// base GGUF's own tokenizer and chat template (data/*.jsonl), never re-tokenizing: TRL's trainers get
// those ids as already-prepared datasets, so the adapter learns the text Tandem samples.
// Lines starting with TANDEM_PROGRESS / TANDEM_RESULT / TANDEM_ERROR are read by `tandem train --run`.
export const TRAIN_SCRIPT = String.raw`#!/usr/bin/env python3
"""Train a LoRA adapter for one Tandem role on the data in this folder (written by tandem train).

    pip install -r requirements.txt      # once; on a GPU box install the CUDA build of torch first
    python train.py                      # writes adapter/ (a PEFT LoRA) and result.json

Options: --base PATH_OR_ID (override the Hugging Face model), --out DIR, --max-steps N, --device cpu|cuda.
"""
import argparse, json, math, os, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))


def say(kind, value):
    print(f"TANDEM_{kind} {json.dumps(value)}", flush=True)


def fail(problem, message, code=3):
    say("ERROR", {"problem": problem, "message": message})
    sys.exit(code)


def read_jsonl(name):
    path = os.path.join(HERE, "data", name)
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def check_base(model, gguf):
    """The Hugging Face weights must be the GGUF's: the adapter is applied to the GGUF at run time."""
    config = model.config
    have = {
        "vocab_size": config.vocab_size,
        "hidden_size": config.hidden_size,
        "layers": config.num_hidden_layers,
    }
    want = {"vocab_size": gguf["vocab_size"], "hidden_size": gguf["hidden_size"], "layers": gguf["layers"]}
    wrong = [f"{k}: Hugging Face {have[k]}, GGUF {want[k]}" for k in want if want[k] is not None and have[k] != want[k]]
    if wrong:
        fail("base_mismatch", "The Hugging Face base does not match the GGUF the adapter is for (" + "; ".join(wrong) + ").")


def nll(model, rows, torch):
    """Mean negative log-likelihood per completion token, on the ids as given."""
    total, count = 0.0, 0
    model.eval()
    with torch.no_grad():
        for row in rows:
            ids = row["prompt_ids"] + row["completion_ids"]
            x = torch.tensor([ids], device=model.device)
            logits = model(input_ids=x).logits[0, :-1].float()
            targets = x[0, 1:]
            logp = torch.log_softmax(logits, dim=-1).gather(1, targets[:, None])[:, 0]
            start = len(row["prompt_ids"]) - 1
            total += -logp[start:].sum().item()
            count += len(row["completion_ids"])
    return total / count if count else None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base")
    parser.add_argument("--out", default=os.path.join(HERE, "adapter"))
    parser.add_argument("--max-steps", type=int)
    parser.add_argument("--device", choices=["cpu", "cuda"])
    args = parser.parse_args()
    with open(os.path.join(HERE, "config.json"), encoding="utf-8") as f:
        cfg = json.load(f)
    method = cfg["method"]
    train = read_jsonl("train.jsonl")
    validation = read_jsonl("validation.jsonl")
    if not train:
        fail("empty_dataset", "data/train.jsonl has no examples.")

    try:
        import torch
        from datasets import Dataset
        from peft import LoraConfig
        from transformers import AutoModelForCausalLM, AutoTokenizer, TrainerCallback
    except ImportError as error:
        fail("missing_packages", f"{error}. Install the pinned packages: pip install -r requirements.txt", 4)

    torch.manual_seed(cfg["training"]["seed"])
    if os.environ.get("TANDEM_TORCH_THREADS"):
        # A tiny model trains fastest on one thread; a real one wants torch's default (all cores).
        torch.set_num_threads(int(os.environ["TANDEM_TORCH_THREADS"]))
    base = args.base or cfg["base"]
    device = args.device or ("cuda" if torch.cuda.is_available() else "cpu")
    try:
        tokenizer = AutoTokenizer.from_pretrained(base)
        model = AutoModelForCausalLM.from_pretrained(base, dtype=torch.float32).to(device)
    except Exception as error:
        fail("base_unreadable", f"Cannot load the Hugging Face model {base}: {error}")
    check_base(model, cfg["gguf"])
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token

    heldout = [r for r in validation if r.get("label", True) is True] if method != "dpo" else []
    if method == "dpo":
        heldout = [{"prompt_ids": r["prompt_ids"], "completion_ids": r["chosen_ids"]} for r in validation]
    nll_before = nll(model, heldout, torch) if heldout else None
    model.train()

    lora = LoraConfig(
        r=cfg["lora"]["r"], lora_alpha=cfg["lora"]["alpha"], lora_dropout=cfg["lora"]["dropout"],
        target_modules=cfg["lora"]["target_modules"], bias="none", task_type="CAUSAL_LM",
    )
    t = cfg["training"]
    max_steps = args.max_steps or t["max_steps"]
    common = dict(
        output_dir=os.path.join(HERE, "checkpoints"), learning_rate=t["learning_rate"], max_steps=max_steps,
        per_device_train_batch_size=t["batch_size"], logging_steps=1, save_strategy="no", report_to=[],
        seed=t["seed"], lr_scheduler_type="constant", warmup_steps=0, use_cpu=(device == "cpu"),
        remove_unused_columns=False, disable_tqdm=True, max_length=t["max_length"],
        # TRL turns gradient checkpointing on by default: it saves GPU memory, and on a CPU it only costs
        # recomputation (several times a step's work on a small model), so the CPU trains without it.
        gradient_checkpointing=(device != "cpu"),
    )

    class Progress(TrainerCallback):
        def on_log(self, a, state, control, logs=None, **kw):
            if logs and "loss" in logs:
                say("PROGRESS", {"step": state.global_step, "total": state.max_steps, "loss": logs["loss"]})

    if method == "sft":
        from trl import SFTConfig, SFTTrainer
        # Loss on the role's own turn only: the prompt's labels are -100.
        rows = [{"input_ids": r["prompt_ids"] + r["completion_ids"],
                 "labels": [-100] * len(r["prompt_ids"]) + r["completion_ids"]} for r in train]
        trainer = SFTTrainer(model=model, args=SFTConfig(**common), train_dataset=Dataset.from_list(rows),
                             processing_class=tokenizer, peft_config=lora, callbacks=[Progress()])
    elif method == "dpo":
        from trl import DPOConfig, DPOTrainer

        class PreparedDPO(DPOTrainer):
            def _prepare_dataset(self, dataset, processing_class, a, name):
                return dataset  # already prompt_ids / chosen_ids / rejected_ids, from the GGUF's tokenizer

        rows = [{k: r[k] for k in ("prompt_ids", "chosen_ids", "rejected_ids")} for r in train]
        trainer = PreparedDPO(model=model, args=DPOConfig(beta=t["beta"], **common), train_dataset=Dataset.from_list(rows),
                              processing_class=tokenizer, peft_config=lora, callbacks=[Progress()])
    elif method == "kto":
        from trl import KTOConfig, KTOTrainer

        class PreparedKTO(KTOTrainer):
            def _prepare_dataset(self, dataset, processing_class, a, name):
                # The KL estimate compares each prompt with another example's completion, as TRL's own preparation does.
                def add_kl(batch):
                    batch["KL_completion_ids"] = [batch["completion_ids"][-1]] + batch["completion_ids"][:-1]
                    return batch
                return dataset.map(add_kl, batched=True)

        rows = [{"prompt_ids": r["prompt_ids"], "completion_ids": r["completion_ids"], "label": bool(r["label"])} for r in train]
        trainer = PreparedKTO(model=model, args=KTOConfig(beta=t["beta"], **common), train_dataset=Dataset.from_list(rows),
                              processing_class=tokenizer, peft_config=lora, callbacks=[Progress()])
    else:
        fail("bad_config", f"Unknown method {method}")

    started = time.time()
    output = trainer.train()
    seconds = time.time() - started
    losses = [e["loss"] for e in trainer.state.log_history if "loss" in e]
    tuned = trainer.model
    nll_after = nll(tuned, heldout, torch) if heldout else None
    os.makedirs(args.out, exist_ok=True)
    tuned.save_pretrained(args.out)
    result = {
        "adapter_dir": os.path.abspath(args.out), "method": method, "base": base, "device": device,
        "steps": output.global_step, "train_seconds": round(seconds, 2),
        "loss_first": losses[0] if losses else None, "loss_last": losses[-1] if losses else None,
        "heldout_examples": len(heldout), "heldout_nll_before": nll_before, "heldout_nll_after": nll_after,
    }
    with open(os.path.join(HERE, "result.json"), "w", encoding="utf-8") as f:
        json.dump(result, f, indent=2)
    say("RESULT", result)


if __name__ == "__main__":
    main()
`;
