package models

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
)

// voxKeyBits is the size of the RSA keys of Voximplant service accounts.
const voxKeyBits = 2048

// newRSAKey generates an RSA key pair: the private key as PKCS #1 PEM ("RSA
// PRIVATE KEY", as the client libraries read it) and the public key as PKIX PEM.
func newRSAKey() (private, public string, err error) {
	k, err := rsa.GenerateKey(rand.Reader, voxKeyBits)
	if err != nil {
		return "", "", fmt.Errorf("generate an RSA key: %w", err)
	}
	pub, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		return "", "", fmt.Errorf("encode a public key: %w", err)
	}
	private = string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}))
	public = string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}))
	return private, public, nil
}

// RSAPublicKey reads the public key of a Voximplant service-account key.
func (k *APIKey) RSAPublicKey() (*rsa.PublicKey, error) {
	b, _ := pem.Decode([]byte(k.PublicKey))
	if b == nil {
		return nil, fmt.Errorf("key %d holds no public key", k.ID)
	}
	pub, err := x509.ParsePKIXPublicKey(b.Bytes)
	if err != nil {
		return nil, fmt.Errorf("key %d: %w", k.ID, err)
	}
	rsaKey, ok := pub.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("key %d holds no RSA public key", k.ID)
	}
	return rsaKey, nil
}
