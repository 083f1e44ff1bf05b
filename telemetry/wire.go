package telemetry

import (
	"math"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
)

// Field numbers of the OTLP messages written here (opentelemetry-proto,
// trace/v1/trace.proto and common/v1/common.proto).
const (
	scopeSpansSpans = 2

	spanTraceID      = 1
	spanSpanID       = 2
	spanTraceState   = 3
	spanParentSpanID = 4
	spanName         = 5
	spanKindField    = 6
	spanStart        = 7
	spanEnd          = 8
	spanAttributes   = 9
	spanDroppedAttrs = 10
	spanEvents       = 11
	spanDroppedEvts  = 12
	spanLinks        = 13
	spanDroppedLinks = 14
	spanStatus       = 15
	spanFlagsField   = 16

	statusMessage = 2
	statusCodeNum = 3

	keyValueKey   = 1
	keyValueValue = 2

	anyString = 1
	anyBool   = 2
	anyInt    = 3
	anyDouble = 4
)

// appendSpan appends the fields of one Span message: the protobuf encoding
// the SDK's exporter would marshal for the same span, written directly
// instead of through a tree of messages (spanBatch.addEncoded adds it as
// one element of ScopeSpans.spans). Fields holding their
// type's zero value are left out, as proto3 marshalling does; the status is
// always present (the SDK's exporter always sets it).
func appendSpan(b []byte, s sdktrace.ReadOnlySpan) []byte {
	sc, parent := s.SpanContext(), s.Parent()
	tid, sid := sc.TraceID(), sc.SpanID()
	b = appendBytesField(b, spanTraceID, tid[:])
	b = appendBytesField(b, spanSpanID, sid[:])
	if ts := sc.TraceState(); ts.Len() > 0 {
		b = appendStringField(b, spanTraceState, ts.String())
	}
	if psid := parent.SpanID(); psid.IsValid() {
		b = appendBytesField(b, spanParentSpanID, psid[:])
	}
	b = appendStringField(b, spanName, s.Name())
	b = appendVarintField(b, spanKindField, uint64(spanKind(s.SpanKind())))
	b = appendFixed64Field(b, spanStart, unixNano(s.StartTime().UnixNano()))
	b = appendFixed64Field(b, spanEnd, unixNano(s.EndTime().UnixNano()))
	for _, a := range s.Attributes() {
		b = appendKeyValue(b, spanAttributes, a)
	}
	b = appendVarintField(b, spanDroppedAttrs, uint64(clampUint32(s.DroppedAttributes())))
	for _, e := range events(s.Events()) {
		b = appendMessageField(b, spanEvents, e)
	}
	b = appendVarintField(b, spanDroppedEvts, uint64(clampUint32(s.DroppedEvents())))
	for _, l := range links(s.Links()) {
		b = appendMessageField(b, spanLinks, l)
	}
	b = appendVarintField(b, spanDroppedLinks, uint64(clampUint32(s.DroppedLinks())))
	st := s.Status()
	code := uint64(statusCode(st.Code))
	size := 0
	if st.Description != "" {
		size += protowire.SizeTag(statusMessage) + protowire.SizeBytes(len(st.Description))
	}
	if code != 0 {
		size += protowire.SizeTag(statusCodeNum) + protowire.SizeVarint(code)
	}
	b = protowire.AppendTag(b, spanStatus, protowire.BytesType)
	b = protowire.AppendVarint(b, uint64(size))
	if st.Description != "" {
		b = appendStringField(b, statusMessage, st.Description)
	}
	b = appendVarintField(b, statusCodeNum, code)
	if flags := spanFlags(sc.TraceFlags(), parent); flags != 0 {
		b = protowire.AppendTag(b, spanFlagsField, protowire.Fixed32Type)
		b = protowire.AppendFixed32(b, flags)
	}
	return b
}

// appendKeyValue appends a as a KeyValue field numbered num. Scalar values
// are written directly; slices and maps (rare in μNet's spans) go through
// the message conversion and proto.Marshal.
func appendKeyValue(b []byte, num protowire.Number, a attribute.KeyValue) []byte {
	key := string(a.Key)
	var value []byte // the AnyValue's encoding, when not a scalar
	valueSize := 0
	switch a.Value.Type() {
	case attribute.STRING:
		valueSize = protowire.SizeTag(anyString) + protowire.SizeBytes(len(a.Value.AsString()))
	case attribute.INT64:
		valueSize = protowire.SizeTag(anyInt) + protowire.SizeVarint(uint64(a.Value.AsInt64()))
	case attribute.BOOL:
		valueSize = protowire.SizeTag(anyBool) + 1
	case attribute.FLOAT64:
		valueSize = protowire.SizeTag(anyDouble) + 8
	default:
		value = marshal(anyValue(a.Value))
		valueSize = len(value)
	}
	size := protowire.SizeTag(keyValueValue) + protowire.SizeBytes(valueSize)
	if key != "" {
		size += protowire.SizeTag(keyValueKey) + protowire.SizeBytes(len(key))
	}
	b = protowire.AppendTag(b, num, protowire.BytesType)
	b = protowire.AppendVarint(b, uint64(size))
	if key != "" {
		b = appendStringField(b, keyValueKey, key)
	}
	b = protowire.AppendTag(b, keyValueValue, protowire.BytesType)
	b = protowire.AppendVarint(b, uint64(valueSize))
	switch a.Value.Type() {
	case attribute.STRING:
		// A one-of member is written even when it holds the zero value.
		b = protowire.AppendTag(b, anyString, protowire.BytesType)
		b = protowire.AppendString(b, a.Value.AsString())
	case attribute.INT64:
		b = protowire.AppendTag(b, anyInt, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(a.Value.AsInt64()))
	case attribute.BOOL:
		b = protowire.AppendTag(b, anyBool, protowire.VarintType)
		b = protowire.AppendVarint(b, protowire.EncodeBool(a.Value.AsBool()))
	case attribute.FLOAT64:
		b = protowire.AppendTag(b, anyDouble, protowire.Fixed64Type)
		b = protowire.AppendFixed64(b, math.Float64bits(a.Value.AsFloat64()))
	default:
		b = append(b, value...)
	}
	return b
}

// marshal is proto.Marshal for the messages of the rare fields, which
// cannot fail on messages built by this package.
func marshal(m proto.Message) []byte {
	out, err := proto.Marshal(m)
	if err != nil {
		return nil
	}
	return out
}

func appendMessageField(b []byte, num protowire.Number, m proto.Message) []byte {
	return appendBytesField(b, num, marshal(m))
}

func appendBytesField(b []byte, num protowire.Number, v []byte) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendBytes(b, v)
}

// appendStringField appends a string field, left out when empty.
func appendStringField(b []byte, num protowire.Number, v string) []byte {
	if v == "" {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendString(b, v)
}

// appendVarintField appends a varint field, left out when zero.
func appendVarintField(b []byte, num protowire.Number, v uint64) []byte {
	if v == 0 {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.VarintType)
	return protowire.AppendVarint(b, v)
}

// appendFixed64Field appends a fixed64 field, left out when zero.
func appendFixed64Field(b []byte, num protowire.Number, v uint64) []byte {
	if v == 0 {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.Fixed64Type)
	return protowire.AppendFixed64(b, v)
}
