from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional


@dataclass
class BotMessage:
    """One bot turn: text, optional buttons and the contract-1 ``custom`` payload."""

    text: str
    buttons: List[Dict[str, str]] = field(default_factory=list)
    custom: Optional[Dict[str, Any]] = None

    def as_dispatch_kwargs(self) -> Dict[str, Any]:
        kwargs: Dict[str, Any] = {"text": self.text}
        if self.buttons:
            kwargs["buttons"] = self.buttons
        if self.custom is not None:
            kwargs["json_message"] = self.custom
        return kwargs


def button(title: str, intent: str, **entities: str) -> Dict[str, str]:
    """A button whose payload triggers ``intent`` directly (no NLU guess)."""
    if entities:
        import json
        return {"title": title, "payload": f"/{intent}{json.dumps(entities)}"}
    return {"title": title, "payload": f"/{intent}"}
