"""Deadline checks: a task past its deadline must have passing evidence."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from gkcheck.checks.registry import CheckContext, Params, check_kind, failed, passed, unknown
from gkcheck.model import EvidenceRef

ROLE_ZH = {"lead": "牵头单位", "cooperating": "配合单位"}


class DeadlineParams(Params):
    grace_days: int = Field(0, ge=0, description="完成时限后的宽限天数")


@check_kind("deadline.met", DeadlineParams, needs="findings", late=True)
def deadline_met(ctx: CheckContext, params: DeadlineParams):
    """任务到期核验：已过完成时限的任务，本单位须有通过的检查结果。

    对规则所列的每项任务（只看本单位承担的任务，区分牵头与配合）：检查日已到
    “完成时限 + grace_days”（到期当日即核验，如“12月底前”的任务在 12 月 31 日的年度自查中
    核验）时，读取本单位其他规则对该任务的结果——
    有不通过（fail）的，判为不通过，并列出这些规则；全部通过的，判为通过；
    只有“无法核验”或没有任何检查结果的，判为无法核验（需人工或台账证据）。
    未到期的任务不产生结果。

    参数：grace_days（默认 0）。

    通过示例：任务17（12月底前），检查日 2025-01-05，ZC24-T17-standards 通过。
    不通过示例：同上，但 ZC24-T17-standards 不通过。
    """
    by_task: dict[int, list] = {}  # task number -> the unit's other findings about it, in order
    for f in ctx.prior:
        if f.check != "deadline.met":
            for n in set(f.tasks):  # a number listed twice still counts the finding once
                by_task.setdefault(n, []).append(f)
    for task in ctx.tasks:
        role = ctx.task_roles.get(task.number)
        if role is None:
            continue
        due = task.deadline + dt.timedelta(days=params.grace_days)
        if ctx.as_of < due:
            continue
        state = "已过完成时限" if ctx.as_of > due else "今日到期"  # the deadline day itself counts
        related = by_task.get(task.number, [])
        who = ROLE_ZH[role]
        plan_ref = EvidenceRef(
            source="plan",
            location=f"任务{task.number}",
            title=task.short,
            date=task.deadline,
            quote=task.requirement,
        )
        record = f"任务{task.number}"
        head = f"任务{task.number}（{task.deadline_text or task.deadline.isoformat()}，本单位为{who}）"
        fails = [f for f in related if f.status in ("fail", "warn")]
        if fails:
            rules = "、".join(sorted({f.rule for f in fails}))
            outcome = failed(f"{head}{state}，仍有{len(fails)}项检查未通过：{rules}", [plan_ref], record)
        elif any(f.status in ("pass", "waived") for f in related):
            outcome = passed(f"{head}已到期，相关检查均已通过", [plan_ref], record)
        else:
            outcome = unknown(
                f"{head}{state}，但没有可自动核验的证据，请以工作台账或人工核验确认", [plan_ref], record
            )
        outcome.tasks = [task.number]
        yield outcome
