/*
 * NMIs on AMD-V.  An NMI injected through EVENTINJ does not block the next
 * one as a real NMI does (only the vNMI extension, which QEMU and Bochs lack,
 * would), so the VMM keeps the guest's NMI blocking itself, as KVM does:
 * blocked from the injection until the handler's IRET, which is intercepted.
 * The intercept comes before the IRET runs, so NMIs stay held until the guest
 * has moved past it; if one is waiting there, or behind an interrupt shadow or
 * an event already queued, the guest is single-stepped (TF, with #DB
 * intercepted) to the first instruction where it can take it.
 */
#include <pallas/kernel.h>

#include "svm.h"

#define RFLAGS_TF  (1ull << 8)
#define DR6_BS	   (1ull << 14)
#define EXC_DB_BIT (1u << 1)

static void step_to_window(struct svm_vcpu *v)
{
	struct vmcb_save *g = &v->vmcb->s;

	if (v->nmi.stepping)
		return;
	v->nmi.stepping = true;
	v->nmi.guest_tf = g->rflags & RFLAGS_TF;
	v->nmi.dr6 = g->dr6;
	g->rflags |= RFLAGS_TF;
	v->vmcb->c.intercept_exceptions |= EXC_DB_BIT;
}

bool svm_nmi_ready(struct vcpu *vcpu)
{
	struct svm_vcpu *v = vcpu_backend(vcpu);

	if (v->nmi.masked)
		return false; /* the IRET intercept ends it */
	if (!v->pending_event && !v->nmi.at_iret && !(v->vmcb->c.int_state & INT_SHADOW))
		return true;
	step_to_window(v);
	return false;
}

void svm_inject_nmi(struct vcpu *vcpu)
{
	struct svm_vcpu *v = vcpu_backend(vcpu);

	v->vmcb->c.event_inj = EVENT_VALID | EVENT_TYPE_NMI | 2;
	v->pending_event = true;
	v->nmi.masked = true;
	v->vmcb->c.intercept_misc1 |= INTERCEPT_IRET;
}

/* Every exit: once the guest has left the IRET behind, NMIs may come again. */
void svm_nmi_after_exit(struct svm_vcpu *v)
{
	if (v->nmi.at_iret && v->vmcb->s.rip != v->nmi.iret_rip)
		v->nmi.at_iret = false;
}

/* The handler's IRET, intercepted before it runs; it runs on the next entry. */
void svm_nmi_iret_exit(struct svm_vcpu *v)
{
	v->nmi.masked = false;
	v->nmi.at_iret = true;
	v->nmi.iret_rip = v->vmcb->s.rip;
	v->vmcb->c.intercept_misc1 &= ~INTERCEPT_IRET;
}

static void end_step(struct svm_vcpu *v)
{
	v->nmi.stepping = false;
	v->vmcb->c.intercept_exceptions &= ~EXC_DB_BIT;
}

/*
 * An instruction the VMM finished (emulated, or skipped) ran with TF set: the
 * CPU would raise a single-step #DB after it.  If the TF was only ours, the
 * step is over and the guest gets nothing.
 */
void svm_step_trap(struct svm_vcpu *v)
{
	if (v->nmi.stepping) {
		end_step(v);
		if (!v->nmi.guest_tf) {
			v->vmcb->s.rflags &= ~RFLAGS_TF;
			return;
		}
	}
	v->vmcb->s.dr6 |= DR6_BS;
	svm_queue_exception(v, 1, false, 0);
}

/*
 * A #DB exit.  If it ends a step of ours, the TF it left comes off (unless
 * the instruction stepped was the IRET, which set RFLAGS from the stack) and
 * DR6 is as the guest had it; the guest gets the #DB only if it was stepping
 * itself or a breakpoint of its own hit too.  Returns false for a #DB that
 * was not ours: the guest's, delivered as such.
 */
bool svm_nmi_step_exit(struct svm_vcpu *v)
{
	struct vmcb_save *g = &v->vmcb->s;

	if (!v->nmi.stepping)
		return false;
	end_step(v);
	bool stepped_iret = v->nmi.at_iret && g->rip != v->nmi.iret_rip;
	if (!stepped_iret && !v->nmi.guest_tf)
		g->rflags &= ~RFLAGS_TF;
	bool own = v->nmi.guest_tf || ((g->dr6 ^ v->nmi.dr6) & ~DR6_BS & 0xf);
	if (!own)
		g->dr6 = v->nmi.dr6;
	return !own;
}
