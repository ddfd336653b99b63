"""``Narrator`` on Amazon Bedrock's Converse API (``bedrock-runtime``), Claude Haiku 4.5.

One ``converse`` call with the instructions as the system prompt and the facts as the only
user message, a small ``maxTokens`` and a low temperature. Any error of the call, a refusal
or an empty answer is ``NarrationFailed``: the summary then uses its template narrative, so
Bedrock can never stop the summary from going out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from botocore.exceptions import BotoCoreError, ClientError

from sheets_bot.errors import NarrationFailed

if TYPE_CHECKING:
    from mypy_boto3_bedrock_runtime import BedrockRuntimeClient

HAIKU_4_5: Final = "anthropic.claude-haiku-4-5-20251001-v1:0"
"""The model the summary is written with unless the deployment names another."""


class BedrockNarrator:
    def __init__(self, client: BedrockRuntimeClient, model_id: str = HAIKU_4_5) -> None:
        self.client = client
        self.model_id = model_id

    def __repr__(self) -> str:
        return f"BedrockNarrator(model_id={self.model_id!r})"

    def narrate(self, instructions: str, facts: str, *, max_tokens: int) -> str:
        try:
            answer = self.client.converse(
                modelId=self.model_id,
                system=[{"text": instructions}],
                messages=[{"role": "user", "content": [{"text": facts}]}],
                inferenceConfig={"maxTokens": max_tokens, "temperature": 0.2},
            )
        except (ClientError, BotoCoreError) as error:
            raise NarrationFailed(f"Bedrock did not answer: {type(error).__name__}") from error
        stop = answer.get("stopReason", "")
        if stop in ("content_filtered", "guardrail_intervened"):
            raise NarrationFailed(f"Bedrock stopped the answer: {stop}")
        message = answer.get("output", {}).get("message", {})
        text = "".join(
            str(block["text"]) for block in message.get("content", []) if "text" in block
        )
        if not text.strip():
            raise NarrationFailed("Bedrock answered with no text")
        return text
