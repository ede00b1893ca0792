/* GDT selectors fixed by entry.S; shared by C and assembly. */
#ifndef GUEST_GDT_H
#define GUEST_GDT_H

#define SEL_CODE32 0x08
#define SEL_DATA32 0x10
#define SEL_CODE16 0x18
#define SEL_DATA16 0x20
#define SEL_UCODE  0x2b
#define SEL_UDATA  0x33
#define SEL_TSS	   0x38

#endif
