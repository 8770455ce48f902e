/*
 * notify.c - usrsctp notifications (RFC 6458 layout) to gen_sctp event
 * records.  Every length comes from the network or the stack and is
 * checked against the buffer before use (cf. CVE-2026-49759 in OTP's
 * remote-error parser).
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "gsctp/err.h"
#include "gsctp_int.h"

static uint16_t get16(const uint8_t *p) {
  uint16_t v;
  memcpy(&v, p, 2);
  return v;
}

void gsctp_event_free(gsctp_event *ev) {
  if (ev == NULL) {
    return;
  }
  if (ev->type == GSCTP_EV_REMOTE_ERROR) {
    free(ev->u.remote_error.data);
    ev->u.remote_error.data = NULL;
    ev->u.remote_error.ndata = 0;
  } else if (ev->type == GSCTP_EV_SEND_FAILED) {
    free(ev->u.send_failed.data);
    ev->u.send_failed.data = NULL;
    ev->u.send_failed.datalen = 0;
  }
}

uint32_t gsctp_event_assoc_id(const gsctp_event *ev) {
  switch (ev->type) {
  case GSCTP_EV_ASSOC_CHANGE:
    return ev->u.assoc_change.assoc_id;
  case GSCTP_EV_PADDR_CHANGE:
    return ev->u.paddr_change.assoc_id;
  case GSCTP_EV_REMOTE_ERROR:
    return ev->u.remote_error.assoc_id;
  case GSCTP_EV_SEND_FAILED:
    return ev->u.send_failed.assoc_id;
  case GSCTP_EV_SHUTDOWN:
    return ev->u.shutdown.assoc_id;
  case GSCTP_EV_ADAPTATION:
    return ev->u.adaptation.assoc_id;
  case GSCTP_EV_PDAPI:
    return ev->u.pdapi.assoc_id;
  default:
    return 0;
  }
}

/* Collect the cause codes of an ERROR chunk body (or of a whole ERROR
 * chunk, header included, as usrsctp hands it over). */
static int parse_causes(const uint8_t *p, size_t len, gsctp_remote_error *re) {
  size_t off = 0, n = 0, cap = 0;
  uint16_t *codes = NULL;

  /* usrsctp copies the chunk with its 4-byte header (type 9). */
  if (len >= 4 && p[0] == 9) {
    size_t clen = ntohs(get16(p + 2));
    if (clen >= 4 && clen <= len) {
      len = clen;
      off = 4;
    }
  }
  while (off + 4 <= len) {
    size_t clen = ntohs(get16(p + off + 2));
    if (clen < 4 || off + clen > len) {
      break; /* truncated cause: stop, keep what was read */
    }
    if (n == cap) {
      size_t ncap = cap ? cap * 2 : 4;
      uint16_t *nc = realloc(codes, ncap * sizeof(*nc));
      if (nc == NULL) {
        free(codes);
        return GSCTP_ENOMEM;
      }
      codes = nc;
      cap = ncap;
    }
    codes[n++] = ntohs(get16(p + off));
    off += (clen + 3) & ~(size_t)3;
  }
  re->data = codes;
  re->ndata = n;
  return 0;
}

static gsctp_sndrcvinfo sndinfo_to_sri(const struct sctp_sndinfo *si,
                                       uint32_t assoc_id) {
  gsctp_sndrcvinfo r;

  r.stream = si->snd_sid;
  r.ssn = 0;
  r.flags = 0;
  if (si->snd_flags & SCTP_UNORDERED) {
    r.flags |= GSCTP_SNDRCV_UNORDERED;
  }
  if (si->snd_flags & SCTP_ADDR_OVER) {
    r.flags |= GSCTP_SNDRCV_ADDR_OVER;
  }
  r.ppid = ntohl(si->snd_ppid);
  r.context = si->snd_context;
  r.timetolive = 0;
  r.tsn = 0;
  r.cumtsn = 0;
  r.assoc_id = si->snd_assoc_id != 0 ? si->snd_assoc_id : assoc_id;
  return r;
}

int gsctp_notify_parse(const uint8_t *buf, size_t len, gsctp_event *ev) {
  union sctp_notification n;
  size_t hlen;
  uint16_t type;

  memset(ev, 0, sizeof(*ev));
  if (len < sizeof(struct sctp_tlv)) {
    return GSCTP_EINVAL;
  }
  memcpy(&n.sn_header, buf, sizeof(n.sn_header));
  type = n.sn_header.sn_type;
  if (n.sn_header.sn_length < sizeof(struct sctp_tlv) ||
      n.sn_header.sn_length > len) {
    return GSCTP_EINVAL;
  }
  len = n.sn_header.sn_length;

  switch (type) {
  case SCTP_ASSOC_CHANGE: {
    struct sctp_assoc_change ac;
    hlen = offsetof(struct sctp_assoc_change, sac_info);
    if (len < hlen) {
      return GSCTP_EINVAL;
    }
    memcpy(&ac, buf, hlen);
    ev->type = GSCTP_EV_ASSOC_CHANGE;
    switch (ac.sac_state) {
    case SCTP_COMM_UP:
      ev->u.assoc_change.state = GSCTP_COMM_UP;
      break;
    case SCTP_COMM_LOST:
      ev->u.assoc_change.state = GSCTP_COMM_LOST;
      break;
    case SCTP_RESTART:
      ev->u.assoc_change.state = GSCTP_RESTART;
      break;
    case SCTP_SHUTDOWN_COMP:
      ev->u.assoc_change.state = GSCTP_SHUTDOWN_COMP;
      break;
    default:
      ev->u.assoc_change.state = GSCTP_CANT_ASSOC;
      break;
    }
    ev->u.assoc_change.error = ac.sac_error;
    ev->u.assoc_change.outbound_streams = ac.sac_outbound_streams;
    ev->u.assoc_change.inbound_streams = ac.sac_inbound_streams;
    ev->u.assoc_change.assoc_id = ac.sac_assoc_id;
    return 1;
  }
  case SCTP_PEER_ADDR_CHANGE: {
    struct sctp_paddr_change pc;
    hlen = offsetof(struct sctp_paddr_change, spc_padding);
    if (len < hlen) {
      return GSCTP_EINVAL;
    }
    memset(&pc, 0, sizeof(pc));
    memcpy(&pc, buf, hlen);
    ev->type = GSCTP_EV_PADDR_CHANGE;
    (void)gsctp_addr_from_sockaddr((const struct sockaddr *)&pc.spc_aaddr,
                                   &ev->u.paddr_change.addr.port,
                                   &ev->u.paddr_change.addr.ip);
    ev->u.paddr_change.state = (int)pc.spc_state;
    ev->u.paddr_change.error = pc.spc_error;
    ev->u.paddr_change.assoc_id = pc.spc_assoc_id;
    return 1;
  }
  case SCTP_REMOTE_ERROR: {
    struct sctp_remote_error re;
    int rv;
    hlen = offsetof(struct sctp_remote_error, sre_data);
    if (len < hlen) {
      return GSCTP_EINVAL;
    }
    memcpy(&re, buf, hlen);
    ev->type = GSCTP_EV_REMOTE_ERROR;
    ev->u.remote_error.assoc_id = re.sre_assoc_id;
    rv = parse_causes(buf + hlen, len - hlen, &ev->u.remote_error);
    if (rv != 0) {
      ev->type = GSCTP_EV_NONE;
      return rv;
    }
    ev->u.remote_error.error = ev->u.remote_error.ndata > 0
                                 ? ev->u.remote_error.data[0]
                                 : ntohs(re.sre_error);
    return 1;
  }
  case SCTP_SEND_FAILED_EVENT: {
    struct sctp_send_failed_event sf;
    size_t dlen;
    hlen = offsetof(struct sctp_send_failed_event, ssfe_data);
    if (len < hlen) {
      return GSCTP_EINVAL;
    }
    memcpy(&sf, buf, hlen);
    ev->type = GSCTP_EV_SEND_FAILED;
    ev->u.send_failed.flags = (sf.ssfe_flags & SCTP_DATA_SENT) ? 1 : 0;
    ev->u.send_failed.error = sf.ssfe_error;
    ev->u.send_failed.assoc_id = sf.ssfe_assoc_id;
    ev->u.send_failed.info = sndinfo_to_sri(&sf.ssfe_info, sf.ssfe_assoc_id);
    dlen = len - hlen;
    if (dlen > 0) {
      ev->u.send_failed.data = malloc(dlen);
      if (ev->u.send_failed.data == NULL) {
        ev->type = GSCTP_EV_NONE;
        return GSCTP_ENOMEM;
      }
      memcpy(ev->u.send_failed.data, buf + hlen, dlen);
      ev->u.send_failed.datalen = dlen;
    }
    return 1;
  }
  case SCTP_SHUTDOWN_EVENT: {
    struct sctp_shutdown_event se;
    if (len < sizeof(se)) {
      return GSCTP_EINVAL;
    }
    memcpy(&se, buf, sizeof(se));
    ev->type = GSCTP_EV_SHUTDOWN;
    ev->u.shutdown.assoc_id = se.sse_assoc_id;
    return 1;
  }
  case SCTP_ADAPTATION_INDICATION: {
    struct sctp_adaptation_event ae;
    if (len < sizeof(ae)) {
      return GSCTP_EINVAL;
    }
    memcpy(&ae, buf, sizeof(ae));
    ev->type = GSCTP_EV_ADAPTATION;
    ev->u.adaptation.adaptation_ind = ae.sai_adaptation_ind;
    ev->u.adaptation.assoc_id = ae.sai_assoc_id;
    return 1;
  }
  case SCTP_PARTIAL_DELIVERY_EVENT: {
    struct sctp_pdapi_event pe;
    if (len < sizeof(pe)) {
      return GSCTP_EINVAL;
    }
    memcpy(&pe, buf, sizeof(pe));
    ev->type = GSCTP_EV_PDAPI;
    ev->u.pdapi.indication = GSCTP_PARTIAL_DELIVERY_ABORTED;
    ev->u.pdapi.assoc_id = pe.pdapi_assoc_id;
    return 1;
  }
  default:
    return 0;
  }
}
