"""Text generators behind a small ``Generator`` protocol.

- ``LlamaCppGenerator``: a GGUF model through llama.cpp (``xllamacpp``), the default.
- ``TransformersGenerator``: any local Hugging Face seq2seq or causal LM folder.

Both: cheap ``__init__``, idempotent ``warm_up()`` that loads once per process, greedy
decoding with a fixed seed (same input → same output), and one method that touches the
model (``generate``: prepare → run → decode).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TypedDict

from summarizer.errors import GenerationError, ModelError
from summarizer.runtime import quiet_transformers

SEED = 1234


@dataclass(frozen=True)
class Generation:
    """What a generator returned: the text and what it cost. ``prompt_tokens`` counts the whole
    prompt, ``cached_tokens`` the part of it reused from the prompt cache; ``prompt_ms`` /
    ``decode_ms`` split the time between reading the prompt and writing the answer (0 when the
    backend does not report them)."""

    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = field(default=0, compare=False)
    # how long it took is not what it is: equal generations may differ in timings
    prompt_ms: float = field(default=0.0, compare=False)
    decode_ms: float = field(default=0.0, compare=False)


class Message(TypedDict):
    role: str
    content: str


class Generator(Protocol):
    name: str

    def warm_up(self) -> None: ...

    def generate(self, messages: Sequence[Message], *, max_tokens: int, grammar: str | None = None) -> Generation:
        """The answer to ``messages``; with ``grammar`` (GBNF), one the grammar allows where the
        backend can constrain decoding (llama.cpp); others ignore it and callers check the answer."""
        ...


class LlamaCppGenerator:
    """llama.cpp in-process. Threads: decode with 1 thread, prompt with 2 — measured here
    (design.md): two decode threads were pathologically slow on these 2 vCPUs (SmolLM2
    0.9 tok/s vs 42 with one), while prompt processing gains from both (1.5B: 40 vs 20
    tok/s). ``n_parallel=1``: parallel slots bought nothing on this CPU. Requests are
    serialised by a lock so one process never decodes two prompts at once.

    Prompt cache with a pinned prefix (``cache_prompt=True``, the default): everything before
    the last user message (the fuse stage's fixed system prompt) is computed once and reused,
    which halved the LLM's prompt time on the seeds and three dev28 clusters. Plain prompt
    caching made greedy output depend on the previous request: llama.cpp reuses the longest
    common prefix with whatever the slot last held, so the tokens after it were computed in
    batches of different shapes, which changes their last bits (SmolLM2: the same prompt twice,
    two answers). So each request is preceded by a "pin": the same messages with the last user
    message emptied. The slot then always diverges exactly where the user message starts, and
    every request computes its own part in one batch from the same cached state, whatever came
    before — same input, same output, as long as requests share the prefix (the service's case)."""

    def __init__(
        self,
        path: Path,
        *,
        name: str | None = None,
        n_ctx: int = 4096,
        decode_threads: int = 1,
        prompt_threads: int = 2,
        cache_prompt: bool = True,
    ) -> None:
        self.path = Path(path)
        self.name = name or self.path.stem
        self._n_ctx = n_ctx
        self._decode_threads = decode_threads
        self._prompt_threads = prompt_threads
        self._cache_prompt = cache_prompt
        self._server = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        with self._lock:
            if self._server is not None:
                return
            if not self.path.is_file():
                raise ModelError(f"model file {self.path} does not exist; run `summarizer models pull`.")
            import xllamacpp

            params = xllamacpp.CommonParams()
            params.model.path = str(self.path)
            params.n_ctx = self._n_ctx
            params.n_parallel = 1
            params.cpuparams.n_threads = self._decode_threads
            params.cpuparams_batch.n_threads = self._prompt_threads
            params.sampling.temp = 0.0
            params.sampling.seed = SEED
            params.verbosity = -1  # llama.cpp logs to stderr otherwise, per token batch
            params.warmup = True
            try:
                self._server = xllamacpp.Server(params)
            except Exception as error:  # the C++ loader raises a bare RuntimeError
                raise ModelError(
                    f"llama.cpp could not load {self.path}: {error}. Re-run `summarizer models pull` to restore it."
                ) from error

    def generate(self, messages: Sequence[Message], *, max_tokens: int, grammar: str | None = None) -> Generation:
        options: dict = {"max_tokens": max_tokens}
        if grammar is not None:
            options["grammar"] = grammar  # llama.cpp's GBNF; rule names: letters, digits, hyphens
        response, pinned = self._complete(messages, options)
        usage, timings = response.get("usage", {}), response.get("timings", {})
        pin_timings = pinned.get("timings", {}) if isinstance(pinned, dict) else {}
        return Generation(
            text=response["choices"][0]["message"].get("content") or "",
            prompt_tokens=int(usage.get("prompt_tokens", 0)),
            completion_tokens=int(usage.get("completion_tokens", 0)),
            cached_tokens=int(timings.get("cache_n", 0)),
            # the pin is part of this call's cost
            prompt_ms=float(timings.get("prompt_ms", 0.0)) + float(pin_timings.get("prompt_ms", 0.0)),
            decode_ms=float(timings.get("predicted_ms", 0.0)) + float(pin_timings.get("predicted_ms", 0.0)),
        )

    def first_token_logprobs(self, messages: Sequence[Message], *, top: int = 10) -> dict[str, float]:
        """The ``top`` most likely first tokens of the answer and their log-probabilities
        (llama.cpp's ``top_logprobs``): a score, where the argmax answer is only a guess."""
        response, _ = self._complete(messages, {"max_tokens": 1, "logprobs": True, "top_logprobs": top})
        try:
            candidates = response["choices"][0]["logprobs"]["content"][0]["top_logprobs"]
        except (KeyError, IndexError, TypeError) as error:
            raise GenerationError(f"llama.cpp returned no token probabilities: {str(response)[:300]}") from error
        out: dict[str, float] = {}
        for candidate in candidates:
            token = str(candidate["token"]).strip().lower()
            out.setdefault(token, float(candidate["logprob"]))
        return out

    def _complete(self, messages: Sequence[Message], options: dict) -> tuple[dict, dict]:
        """(response, pin response) of one chat completion, pinned as the class docstring says."""
        self.warm_up()
        request = {
            "messages": list(messages),
            "temperature": 0.0,
            "seed": SEED,
            "cache_prompt": self._cache_prompt,
            **options,
        }
        try:
            with self._lock:
                pinned: dict = {}
                if self._cache_prompt and messages and messages[-1]["role"] == "user":
                    pin = [*messages[:-1], {"role": "user", "content": ""}]
                    pinned = self._server.handle_chat_completions(  # type: ignore[union-attr]
                        {"messages": pin, "max_tokens": 1, "temperature": 0.0, "seed": SEED, "cache_prompt": True}
                    )
                response = self._server.handle_chat_completions(request)  # type: ignore[union-attr]
        except Exception as error:
            raise GenerationError(f"llama.cpp failed: {error}") from error
        if not isinstance(response, dict) or "choices" not in response:
            raise GenerationError(f"llama.cpp returned an error: {str(response)[:300]}")
        return response, pinned


class TransformersGenerator:
    """A local Hugging Face model folder: seq2seq (BART, T5, PEGASUS…) or causal LM.

    Chat models are prompted through their chat template; others get the messages'
    text joined. Greedy decoding; torch seeded so any sampling layer is deterministic too.
    """

    def __init__(self, path: Path, *, name: str | None = None, threads: int | None = None) -> None:
        self.path = Path(path)
        self.name = name or self.path.name
        self._threads = threads
        self._model = None
        self._tokenizer = None
        self._seq2seq = False
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        with self._lock:
            if self._model is not None:
                return
            if not (self.path / "config.json").is_file():
                raise ModelError(f"{self.path} is not a Hugging Face model folder (no config.json).")
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            import torch
            from transformers import AutoConfig, AutoModelForCausalLM, AutoModelForSeq2SeqLM, AutoTokenizer

            quiet_transformers()
            if self._threads:
                torch.set_num_threads(self._threads)
            try:
                config = AutoConfig.from_pretrained(str(self.path), local_files_only=True)
                self._seq2seq = bool(getattr(config, "is_encoder_decoder", False))
                loader = AutoModelForSeq2SeqLM if self._seq2seq else AutoModelForCausalLM
                self._tokenizer = AutoTokenizer.from_pretrained(str(self.path), local_files_only=True)
                model = loader.from_pretrained(str(self.path), local_files_only=True)
            except (OSError, ValueError) as error:
                raise ModelError(f"transformers could not load {self.path}: {error}") from error
            model.eval()
            if not self._seq2seq:
                # a causal LM answers after the end of its prompt (the chat template's generation
                # prompt): when the prompt must be cut, cut its start, never its end.
                self._tokenizer.truncation_side = "left"
            self._model = model

    def generate(self, messages: Sequence[Message], *, max_tokens: int, grammar: str | None = None) -> Generation:
        """``grammar`` is not enforced here (transformers has no GBNF): the writer checks every
        answer as a deletion, so an answer outside it is refused, not shipped."""
        self.warm_up()
        import torch

        tokenizer, model = self._tokenizer, self._model
        assert tokenizer is not None and model is not None
        # prepare
        if not self._seq2seq and getattr(tokenizer, "chat_template", None):
            prompt = tokenizer.apply_chat_template(list(messages), tokenize=False, add_generation_prompt=True)
        else:
            prompt = "\n\n".join(m["content"] for m in messages)
        inputs = tokenizer(prompt, return_tensors="pt", truncation=True, max_length=self._max_prompt_tokens(max_tokens))
        # run
        torch.manual_seed(SEED)
        pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
        with self._lock, torch.inference_mode():
            output = model.generate(**inputs, max_new_tokens=max_tokens, do_sample=False, num_beams=1, pad_token_id=pad)
        # decode
        # seq2seq output starts with the decoder start token; causal output repeats the prompt
        prompt_length = 1 if self._seq2seq else inputs["input_ids"].shape[1]
        new_tokens = output[0][prompt_length:]
        return Generation(
            text=tokenizer.decode(new_tokens, skip_special_tokens=True),
            prompt_tokens=int(inputs["input_ids"].shape[1]),
            completion_tokens=int(len(new_tokens)),
        )

    def _max_prompt_tokens(self, max_tokens: int) -> int:
        """The tokenizer's limit (4096 when it declares none), capped by the model's position table;
        a causal LM's prompt and its new tokens share that table, so room is left for ``max_tokens``."""
        limit = getattr(self._tokenizer, "model_max_length", 0) or 0
        limit = limit if 0 < limit < 100_000 else 4096
        config = self._model.config  # type: ignore[union-attr]
        positions = getattr(config, "max_position_embeddings", None) or getattr(config, "n_positions", None)
        if isinstance(positions, int) and positions > 0:
            limit = min(limit, positions)
        return limit if self._seq2seq else max(1, limit - max_tokens)
